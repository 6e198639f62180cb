package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/i18n"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// HTTPErrorHandler is the one place errors become pages: 5xx are logged at
// Error, 4xx at Warn, and the shopper sees a message, never err.Error().
func (h *Handler) HTTPErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "error.internal"
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
		status, msg = http.StatusNotFound, "error.not_found"
	}
	if status == http.StatusNotFound && msg == http.StatusText(http.StatusNotFound) {
		msg = "error.not_found"
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
	p := h.page(c, loc(c).T("error.title", status))
	// The switch leads to the shop, not back here: an error page repeats
	// nothing of the URL that led to it (a receipt's invoice, say).
	for i := range p.Languages {
		p.Languages[i].URL = route.Catalog + "?lang=" + p.Languages[i].Code
	}
	if rerr := render(c, status, views.ErrorPage(views.ErrorView{Page: p, Status: status, Message: errorText(c, status, msg)})); rerr != nil {
		h.log.Error("render error page", "err", rerr)
	}
}

// errorText is the error page's message in the shopper's language: msg
// when it is a message key; for a status's own text, that status's
// sentence; any other message (the back office's, in English) as it is.
func errorText(c echo.Context, status int, msg string) string {
	if i18n.Has(msg) {
		return loc(c).T(msg)
	}
	if msg == http.StatusText(status) {
		if k := "error.status." + strconv.Itoa(status); i18n.Has(k) {
			return loc(c).T(k)
		}
		if status >= 500 {
			return loc(c).T("error.internal")
		}
		return loc(c).T("error.status.other")
	}
	return msg
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
