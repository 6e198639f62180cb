package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"doku-checkout/doku"
	"doku-checkout/payment"
	"doku-checkout/store"
)

// Notification handles POST /notifications/doku. It is trusted only after
// its signature verifies over the raw body: 401 otherwise, 404 for an unknown
// invoice, 400 when it does not match the order, 200 once applied (also for a
// duplicate, so DOKU stops retrying).
func (h *Handler) Notification(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 64<<10))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "unreadable body")
	}
	n, err := h.verifier.VerifyNotification(c.Request().Header, h.cfg.NotificationTarget, body)
	if errors.Is(err, doku.ErrBadSignature) {
		return echo.NewHTTPError(http.StatusUnauthorized, "invalid signature")
	}
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "malformed notification")
	}
	o, err := h.pay.ApplyNotification(h.ctx(c), n)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "unknown invoice")
	case errors.Is(err, payment.ErrMismatch):
		return echo.NewHTTPError(http.StatusBadRequest, "notification does not match the order")
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "OK", "order_status": string(o.Status)})
}
