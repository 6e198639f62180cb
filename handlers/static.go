package handlers

import (
	"net/http"

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
