package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// AdminCapture handles POST /admin/orders/{invoice}/capture (amount: empty
// for the whole authorisation).
func (a *Admin) AdminCapture(c echo.Context) error { return a.act(c, store.ActionCapture) }

// AdminVoid handles POST /admin/orders/{invoice}/void.
func (a *Admin) AdminVoid(c echo.Context) error { return a.act(c, store.ActionVoid) }

// AdminRefund handles POST /admin/orders/{invoice}/refund (amount).
func (a *Admin) AdminRefund(c echo.Context) error { return a.act(c, store.ActionRefund) }

// act performs one money action and audits it. Input errors come back on
// the order page with the amount kept; the outcome is a flash after 303.
func (a *Admin) act(c echo.Context, kind string) error {
	ctx := c.Request().Context()
	invoice := c.Param("invoice")
	before, err := a.store.OrderByInvoice(ctx, invoice)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(c.FormValue("amount"))
	amount, ok := parseRupiah(raw)
	if !ok || (kind == store.ActionRefund && raw == "") {
		return a.orderFormError(c, invoice, raw, "amount", "Enter an amount in whole rupiah, e.g. 50000.")
	}
	me, _ := a.current(c)
	res, err := a.pay.Act(ctx, payment.ActionRequest{
		Invoice: invoice, Kind: kind, AmountIDR: amount, FormKey: c.FormValue("action_key"), StaffID: me.ID, StaffEmail: me.Email,
	})
	switch {
	case errors.Is(err, payment.ErrActionOverLimit):
		return a.orderFormError(c, invoice, raw, "amount", "That is more than is left: at most "+views.IDR(maxFor(kind, before))+".")
	case errors.Is(err, payment.ErrActionAmount):
		return a.orderFormError(c, invoice, raw, "amount", "Enter an amount in whole rupiah, e.g. 50000.")
	case errors.Is(err, payment.ErrActionNotAllowed), errors.Is(err, payment.ErrNoOriginalCharge), errors.Is(err, payment.ErrActionsUnsupported):
		return a.orderFormError(c, invoice, raw, "", actionNotPossible(kind, err))
	case err != nil:
		return err
	}
	path := route.AdminOrderPath(invoice, "")
	if res.Duplicate {
		return a.redirectFlash(c, path, "duplicate")
	}
	if err := a.audit(c, "order."+kind, "order:"+invoice, orderMoney(before), map[string]any{
		"status": res.Order.Status, "captured_idr": res.Order.CapturedIDR, "refunded_idr": res.Order.RefundedIDR,
		"action": res.Action.Status, "amount_idr": res.Action.AmountIDR, "request_id": res.Action.RequestID,
	}); err != nil {
		return err
	}
	switch res.Action.Status {
	case store.ActionSuccess:
		return a.redirectFlash(c, path, map[string]string{store.ActionCapture: "captured", store.ActionVoid: "voided", store.ActionRefund: "refunded"}[kind])
	case store.ActionPending:
		return a.redirectFlash(c, path, "pending")
	}
	return a.orderFormError(c, invoice, raw, "", "DOKU refused the "+kind+" ("+res.Action.ResponseCode+"). No money moved.")
}

func orderMoney(o store.Order) map[string]any {
	return map[string]any{"status": o.Status, "captured_idr": o.CapturedIDR, "refunded_idr": o.RefundedIDR}
}

func maxFor(kind string, o store.Order) int64 {
	if kind == store.ActionRefund {
		return o.CapturedIDR - o.RefundedIDR
	}
	return o.AmountIDR
}

func actionNotPossible(kind string, err error) string {
	switch {
	case errors.Is(err, payment.ErrNoOriginalCharge):
		return "This order was paid on DOKU's hosted page: refund it in DOKU's Back Office."
	case errors.Is(err, payment.ErrActionsUnsupported):
		return "The payment gateway cannot " + kind + " from here."
	}
	return "This order cannot be " + map[string]string{store.ActionCapture: "captured", store.ActionVoid: "voided", store.ActionRefund: "refunded"}[kind] +
		" now (another action may be under way)."
}

// orderFormError re-renders the order page with a message and the amount kept.
func (a *Admin) orderFormError(c echo.Context, invoice, amount, field, msg string) error {
	v, err := a.orderView(c, invoice)
	if err != nil {
		return err
	}
	v.Amount = amount
	if field != "" {
		v.Errors[field] = msg
	} else {
		v.FormError = msg
	}
	return render(c, http.StatusUnprocessableEntity, views.AdminOrderPage(v))
}

// parseRupiah reads whole rupiah: digits, with "." or "," or spaces as
// thousands separators allowed ("50.000"). "" is 0 (the whole amount).
func parseRupiah(s string) (int64, bool) {
	s = strings.NewReplacer(".", "", ",", "", " ", "", "Rp", "").Replace(s)
	if s == "" {
		return 0, true
	}
	if len(s) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// AdminCheck handles POST /admin/orders/{invoice}/check: ask DOKU now.
func (a *Admin) AdminCheck(c echo.Context) error {
	ctx := c.Request().Context()
	before, err := a.store.OrderByInvoice(ctx, c.Param("invoice"))
	if err != nil {
		return err
	}
	after, err := a.pay.CheckNow(ctx, before.Invoice)
	if err != nil {
		return err
	}
	if err := a.audit(c, "order.check", "order:"+before.Invoice, orderMoney(before), orderMoney(after)); err != nil {
		return err
	}
	return a.redirectFlash(c, route.AdminOrderPath(before.Invoice, ""), "checked")
}
