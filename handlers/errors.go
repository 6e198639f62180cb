package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/store"
	"doku-checkout/views"
)

// HTTPErrorHandler is the one place errors become pages: 5xx are logged at
// Error, 4xx at Warn, and the shopper sees a message, never err.Error().
func (h *Handler) HTTPErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. Please try again."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		} else if status < 500 {
			msg = http.StatusText(status)
		}
	case errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "We could not find that page."
	}
	if status == http.StatusNotFound && msg == http.StatusText(http.StatusNotFound) {
		msg = "We could not find that page."
	}
	// The route's pattern, never the URL: the 3-D Secure return and receipt
	// URLs carry order references that must not reach the logs.
	attrs := []any{"status", status, "method", c.Request().Method, "route", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err}
	if status >= 500 {
		h.log.Error("request failed", attrs...)
	} else {
		h.log.Warn("request refused", attrs...)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	if c.Path() == NotificationPath {
		c.JSON(status, map[string]string{"error": msg})
		return
	}
	p := h.page(c, http.StatusText(status))
	if rerr := render(c, status, views.ErrorPage(views.ErrorView{Page: p, Status: status, Message: msg})); rerr != nil {
		h.log.Error("render error page", "err", rerr)
	}
}

// requestLog logs one line per request: never the query (it carries order
// references) and never a body.
func (h *Handler) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		h.log.LogAttrs(c.Request().Context(), slog.LevelDebug, "request",
			slog.String("method", c.Request().Method), slog.String("path", c.Path()),
			slog.Int("status", c.Response().Status), slog.Duration("took", time.Since(start)))
		return nil
	}
}
