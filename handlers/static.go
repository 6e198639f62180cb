package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/static"
)

// Health answers 200 while the database answers.
func (h *Handler) Health(c echo.Context) error {
	if _, err := h.store.Products(h.ctx(c)); err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}

// Ready answers GET /readyz for a load balancer: 200 while this instance
// reaches its database, 503 (and no traffic) while it does not. Nothing is
// cached: each probe asks the database within two seconds.
func (h *Handler) Ready(c echo.Context) error {
	ctx, cancel := context.WithTimeout(h.ctx(c), 2*time.Second)
	defer cancel()
	c.Response().Header().Set("Cache-Control", "no-store")
	if err := h.store.Ping(ctx); err != nil {
		h.log.Warn("readyz: database unreachable", "err", err)
		return c.String(http.StatusServiceUnavailable, "not ready: database ("+h.store.Dialect()+") unreachable\n")
	}
	return c.String(http.StatusOK, "ready: database ("+h.store.Dialect()+") reachable\n")
}

var staticServer = http.FileServerFS(static.FS)

// Static serves the embedded assets. The version in the URL changes with
// their content, so they can be cached for a year.
func (h *Handler) Static(c echo.Context) error {
	if c.Param("version") != static.Version {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	req := c.Request().Clone(c.Request().Context())
	req.URL.Path = "/" + c.Param("*")
	staticServer.ServeHTTP(c.Response(), req)
	return nil
}
