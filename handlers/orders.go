package handlers

import (
	"crypto/subtle"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"doku-checkout/payment"
	"doku-checkout/store"
	"doku-checkout/views"
)

// Receipt renders GET /orders/{invoice}. It is shown to the order's customer,
// to the session that placed it, or to whoever holds its unguessable link
// (?k=ref, the guest's receipt and the 3DS return); to anyone else it does
// not exist.
func (h *Handler) Receipt(c echo.Context) error {
	o, err := h.store.OrderByInvoice(h.ctx(c), c.Param("invoice"))
	if err != nil {
		return err
	}
	if !h.mayView(c, o) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	v := views.ReceiptView{
		Page: h.page(c, "Receipt "+o.Invoice), Invoice: o.Invoice, DateText: views.DateWIB(o.CreatedAt),
		TotalText: views.IDR(o.AmountIDR), Status: shownStatus(o.Status), Masked: o.CardMasked, Brand: o.CardBrand,
		ApprovalCode: o.ApprovalCode, CustomerName: o.Name, Email: o.Email,
	}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, views.Line{ProductID: l.ProductID, Name: l.Name, Quantity: l.Quantity,
			UnitText: views.IDR(l.PriceIDR), LineTotalText: views.IDR(l.PriceIDR * int64(l.Quantity))})
	}
	switch v.Status {
	case "SUCCESS":
		v.StatusMessage = "Payment received. Thank you for your order!"
	case "FAILED":
		v.StatusMessage = "The payment did not go through. No money was taken."
		if o.ResponseMessage != "" {
			v.ResponseText = o.ResponseMessage
			if o.ResponseCode != "" {
				v.ResponseText += " (" + o.ResponseCode + ")"
			}
		}
		v.RetryURL = "/checkout"
	default:
		v.StatusMessage = "We are confirming your payment with the bank. This page refreshes by itself; you do not need to pay again."
		v.RefreshSeconds = 3
		switch {
		case o.Status == store.StatusAwaitingPayment && o.ResponseMessage != "":
			// A declined attempt on DOKU Checkout: the link is still payable.
			v.StatusMessage = "Your last attempt on the payment page was declined. You can try another card there."
			v.ResponseText = o.ResponseMessage
			v.RetryURL = o.PaymentURL
			v.RefreshSeconds = 0
		case o.Status == store.StatusAwaitingPayment:
			v.StatusMessage = "Waiting for your payment on DOKU's secure page. If you closed it, you can go back to it."
			v.RetryURL = o.PaymentURL
		case o.Status == store.StatusAwaiting3DS || o.Status == store.StatusCreated:
			v.StatusMessage = "Waiting for your bank's 3-D Secure check. Nothing has been charged. If you closed that page, go back to checkout to pay."
			v.RetryURL = "/checkout"
			v.RefreshSeconds = 0
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.ReceiptPage(v))
}

func (h *Handler) mayView(c echo.Context, o store.Order) bool {
	if k := c.QueryParam("k"); k != "" && subtle.ConstantTimeCompare([]byte(k), []byte(o.Ref)) == 1 {
		return true
	}
	if cust, err := h.customer(c); err == nil && o.CustomerID != 0 && o.CustomerID == cust.ID {
		return true
	}
	return slices.Contains(h.sessions.Get(c).Orders, o.ID)
}

// shownStatus is what the shopper sees: every open state is PENDING.
func shownStatus(s store.Status) string {
	switch s {
	case store.StatusSuccess, store.StatusFailed:
		return string(s)
	}
	return "PENDING"
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
	v := views.OrdersView{Page: h.page(c, "Your orders")}
	for _, o := range orders {
		v.Orders = append(v.Orders, views.OrderRow{Invoice: o.Invoice, URL: payment.ReceiptPath(o),
			DateText: views.DateWIB(o.CreatedAt), TotalText: views.IDR(o.AmountIDR), Status: shownStatus(o.Status)})
	}
	return render(c, http.StatusOK, views.OrdersPage(v))
}
