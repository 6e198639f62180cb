package handlers

import (
	"crypto/subtle"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// Receipt renders GET /orders/{invoice}. A customer's order is shown to that
// customer only; a guest's order to the session that placed it or to whoever
// holds its receipt link (?k=, a key of its own, never sent to DOKU or the
// issuer). To anyone else it does not exist.
func (h *Handler) Receipt(c echo.Context) error {
	o, err := h.store.OrderByInvoice(h.ctx(c), c.Param("invoice"))
	if err != nil {
		return err
	}
	if !h.mayView(c, o) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	o, r := h.pay.Confirm(h.ctx(c), o)
	l := loc(c)
	v := views.ReceiptView{
		Page: h.page(c, l.T("receipt.title", o.Invoice)), Invoice: o.Invoice, DateText: l.Date(o.CreatedAt),
		TotalText: l.Money(o.AmountIDR), Status: r.Status, StatusMessage: l.T(r.Message), ResponseText: l.Say(r.Detail),
		RetryURL: r.RetryURL, Masked: o.CardMasked, Brand: o.CardBrand,
		ApprovalCode: o.ApprovalCode, CustomerName: o.Name, Email: o.Email,
		Delivery: views.DeliveryAddress{Name: o.Name, Address: o.Address, Country: o.Country, Phone: o.Phone},
	}
	v.Store = v.Page.Shop
	if o.CustomerID == 0 {
		v.KeepURL = payment.ReceiptLink(o)
	}
	if r.Refresh {
		v.RefreshSeconds = 3
		v.StatusURL = route.ReceiptStatusPath(o.Invoice, c.QueryParam("k"))
		v.CheckAgainURL = c.Request().URL.RequestURI()
	}
	if r.RefundedIDR > 0 {
		v.CapturedText, v.RefundedText = l.Money(r.CapturedIDR), l.Money(r.RefundedIDR)
	}
	if o.Status == payment.StatusAuthorized {
		v.AuthorizedText = l.Money(o.AmountIDR)
	}
	for _, ol := range o.Lines {
		v.Lines = append(v.Lines, views.Line{ProductID: ol.ProductID, Name: ol.Name, Quantity: ol.Quantity,
			UnitText: l.Money(ol.PriceIDR), LineTotalText: l.Money(ol.PriceIDR * int64(ol.Quantity))})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.ReceiptPage(v))
}

func (h *Handler) mayView(c echo.Context, o store.Order) bool {
	if o.CustomerID != 0 {
		// A customer's order is theirs alone: no link opens it.
		cust, err := h.customer(c)
		return err == nil && cust.ID == o.CustomerID
	}
	if k := c.QueryParam("k"); k != "" && o.ReceiptKey != "" && subtle.ConstantTimeCompare([]byte(k), []byte(o.ReceiptKey)) == 1 {
		return true
	}
	// The guest session that paid. A session that is (or was) logged in
	// remembers no orders: its cookie, copied, must not outlive the login.
	s := h.sessions.Get(c)
	return s.CustomerID == 0 && slices.Contains(s.Orders, o.ID)
}

// ReceiptStatus renders GET /orders/{invoice}/status for the receipt page's
// script: the status code and message as JSON, to whoever may open the
// receipt. It asks DOKU as the receipt does (Service.Confirm).
func (h *Handler) ReceiptStatus(c echo.Context) error {
	o, err := h.store.OrderByInvoice(h.ctx(c), c.Param("invoice"))
	if err != nil {
		return err
	}
	if !h.mayView(c, o) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	_, r := h.pay.Confirm(h.ctx(c), o)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"status": r.Status, "message": loc(c).T(r.Message), "open": r.Refresh})
}

// Orders renders GET /orders: the customer's order history.
func (h *Handler) Orders(c echo.Context) error {
	cust, err := h.customer(c)
	if err != nil {
		return err
	}
	orders, err := h.store.OrdersByCustomer(h.ctx(c), cust.ID)
	if err != nil {
		return err
	}
	l := loc(c)
	v := views.OrdersView{Page: h.page(c, l.T("orders.title"))}
	for _, o := range orders {
		row := views.OrderRow{Invoice: o.Invoice, URL: payment.ReceiptPath(o),
			DateText: l.Date(o.CreatedAt), TotalText: l.Money(o.AmountIDR), Status: payment.ShownStatus(o.Status)}
		if o.RefundedIDR > 0 {
			row.RefundedText = l.Money(o.RefundedIDR)
		}
		if o.Status == payment.StatusAuthorized {
			row.AuthorizedText = l.Money(o.AmountIDR)
		}
		v.Orders = append(v.Orders, row)
	}
	return render(c, http.StatusOK, views.OrdersPage(v))
}
