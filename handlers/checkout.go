package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/i18n"
	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// CheckoutForm renders GET /checkout.
func (h *Handler) CheckoutForm(c echo.Context) error {
	lines, err := h.cartLines(c)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return h.flashRedirect(c, route.Cart, "checkout.err.cart_empty")
	}
	modeList, modes := h.modes(c)
	form := views.CheckoutForm{Country: "ID", Mode: modeList[0]}
	cust, custErr := h.customer(c)
	if custErr == nil {
		form.Name, form.Email = cust.Name, cust.Email
	}
	// Never make a shopper type twice: after an order that did not go
	// through, its details; else a customer's last order's.
	if prev, ok := h.previousOrder(c, cust, custErr == nil); ok {
		form.Name, form.Email, form.Phone, form.Address = prev.Name, prev.Email, prev.Phone, prev.Address
		if prev.Country != "" {
			form.Country = prev.Country
		}
		if modes[prev.Mode] {
			form.Mode = prev.Mode
		}
	}
	if custErr == nil && modes[payment.ModeDirect] {
		if cards, err := h.store.SavedCards(h.ctx(c), cust.ID); err == nil && len(cards) > 0 {
			form.SavedCard = cards[0].ID // preselected; "Use a new card" is one click away
		}
	}
	return h.renderCheckout(c, http.StatusOK, form, nil, "", lines)
}

// previousOrder is the order whose details fill the checkout: the one named
// by ?retry= when the shopper may open it and it did not go through, else
// a logged-in customer's latest order.
func (h *Handler) previousOrder(c echo.Context, cust store.Customer, loggedIn bool) (store.Order, bool) {
	if inv := c.QueryParam("retry"); inv != "" {
		if o, err := h.store.OrderByInvoice(h.ctx(c), inv); err == nil && h.mayView(c, o) && o.Status != payment.StatusSuccess {
			return o, true
		}
	}
	if !loggedIn {
		return store.Order{}, false
	}
	o, err := h.store.LatestOrderByCustomer(h.ctx(c), cust.ID)
	return o, err == nil
}

func (h *Handler) renderCheckout(c echo.Context, status int, form views.CheckoutForm, errs map[string]string, formErr string, lines []store.CartLine, args ...any) error {
	h.strictCardPage(c)
	_, modes := h.modes(c)
	l := loc(c)
	v := views.CheckoutView{
		Page: h.page(c, l.T("checkout.title")), Form: form, Errors: translateErrors(c, errs),
		DirectEnabled: modes[payment.ModeDirect], HostedEnabled: modes[payment.ModeHosted],
		Countries: countries, CheckoutKey: randomID(), CartVersion: cartVersion(lines),
		// Back after a submission: the card number and CVV are not sent back.
		CardAgain: c.Request().Method == http.MethodPost && form.SavedCard == 0,
	}
	if formErr != "" {
		v.FormError = l.T(formErr, args...)
	}
	v.Lines, v.TotalText = viewLines(l, lines)
	if cust, err := h.customer(c); err == nil {
		v.LoggedIn = true
		h.syncSavedCards(c, cust)
		cards, err := h.store.SavedCards(h.ctx(c), cust.ID)
		if err != nil {
			return err
		}
		for _, sc := range cards {
			v.SavedCards = append(v.SavedCards, views.SavedCardOption{ID: sc.ID, Brand: sc.Brand, Masked: sc.Masked, Expiry: expiryText(sc.Expiry)})
		}
	}
	return render(c, status, views.CheckoutPage(v))
}

// syncSavedCards picks up cards saved on DOKU Checkout; DOKU being slow or
// down must not stop the page, so it gets two seconds and errors are logged.
func (h *Handler) syncSavedCards(c echo.Context, cust store.Customer) {
	if _, modes := h.modes(c); !modes[payment.ModeHosted] {
		return
	}
	ctx, cancel := context.WithTimeout(h.ctx(c), 2*time.Second)
	defer cancel()
	if err := h.pay.SyncSavedCards(ctx, cust); err != nil {
		h.log.Warn("sync saved cards", "err", err)
	}
}

// Checkout handles POST /checkout: validate, create the order from the
// server's cart, and send the browser to 3-D Secure or DOKU Checkout.
func (h *Handler) Checkout(c echo.Context) error {
	lines, err := h.cartLinesToOrder(c)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return h.flashRedirect(c, route.Cart, "checkout.err.cart_empty")
	}
	if v := c.FormValue("cart_version"); v != "" && v != cartVersion(lines) {
		// The cart changed (another tab) since this form showed its total.
		form := views.CheckoutForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
			Address: c.FormValue("address"), Country: c.FormValue("country"), CardExpiry: c.FormValue("card_expiry"), Mode: c.FormValue("mode")}
		return h.renderCheckout(c, http.StatusConflict, form, nil, "checkout.err.cart_changed", lines)
	}
	in := payment.CheckoutInput{
		Contact: payment.Contact{Name: c.FormValue("name"), Email: c.FormValue("email"), Phone: c.FormValue("phone"),
			Address: c.FormValue("address"), Country: c.FormValue("country")},
		Mode: c.FormValue("mode"),
		Card: payment.NewCard{Number: c.FormValue("card_number"), Expiry: c.FormValue("card_expiry"), CVV: c.FormValue("card_cvv")},
	}
	modeList, modes := h.modes(c)
	if in.Mode == "" && len(modeList) == 1 {
		in.Mode = modeList[0]
	}
	cust, custErr := h.customer(c)
	loggedIn := custErr == nil
	in.SaveCard = loggedIn && c.FormValue("save_card") != ""
	errs := map[string]string{}
	if raw := c.FormValue("saved_card"); raw != "" && raw != "0" && in.Mode == payment.ModeDirect {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || !loggedIn {
			errs["saved_card"] = "checkout.err.saved_card"
		}
		in.SavedCardID = id
	}
	in.Normalize()
	// What goes back into the form: never the card number or CVV.
	form := views.CheckoutForm{Name: in.Name, Email: in.Email, Phone: in.Phone, Address: in.Address, Country: in.Country,
		CardExpiry: in.Card.Expiry, SaveCard: in.SaveCard, SavedCard: in.SavedCardID, Mode: in.Mode}
	for k, v := range in.Validate(time.Now(), countryCodes, modes) {
		errs[k] = v
	}
	if len(errs) > 0 {
		return h.renderCheckout(c, http.StatusUnprocessableEntity, form, errs, "checkout.err.fix", lines)
	}
	req := payment.StartRequest{CheckoutKey: c.FormValue("checkout_key"), CartID: h.sessions.Get(c).CartID, Input: in, Lines: lines, Lang: loc(c).Lang()}
	if loggedIn {
		req.Customer = &cust
	}
	res, err := h.pay.Start(h.ctx(c), req)
	var declined *payment.DeclinedError
	var busy *store.CartBusyError
	var soldOut *store.SoldOutError
	switch {
	case errors.As(err, &busy):
		// A payment for this cart is under way: paying again could charge
		// twice. Its receipt is shown only to someone who may open it.
		if o, err := h.store.OrderByInvoice(h.ctx(c), busy.Order.Invoice); err == nil && h.mayView(c, o) {
			return h.flashRedirect(c, payment.ReceiptPath(o), "checkout.err.busy_flash")
		}
		return h.renderCheckout(c, http.StatusConflict, form, nil, "checkout.err.busy", lines)
	case errors.As(err, &soldOut):
		return h.renderCheckout(c, http.StatusConflict, form, nil, "checkout.err.sold_out", lines, soldOut.Name)
	case errors.Is(err, payment.ErrSavedCardNotFound):
		return h.renderCheckout(c, http.StatusUnprocessableEntity, form, map[string]string{"saved_card": "checkout.err.saved_card"}, "", lines)
	case errors.Is(err, payment.ErrCheckoutKeyUsed):
		return h.renderCheckout(c, http.StatusConflict, form, nil, "checkout.err.key_used", lines)
	case errors.Is(err, payment.ErrAmountTooLarge):
		return h.renderCheckout(c, http.StatusUnprocessableEntity, form, nil, "checkout.err.too_large", lines)
	case errors.As(err, &declined):
		return h.renderCheckout(c, http.StatusUnprocessableEntity, form, nil, "checkout.err.declined", lines, loc(c).Say(declined.Shown))
	case errors.Is(err, payment.ErrGatewayUnavailable):
		return h.renderCheckout(c, http.StatusServiceUnavailable, form, nil, "checkout.err.gateway_unavailable", lines)
	case err != nil:
		return err
	}
	if !loggedIn { // a customer's orders are found by the login
		s := h.sessions.Get(c)
		s.RememberOrder(res.Order.ID)
		if err := h.sessions.Save(c, s); err != nil {
			return err
		}
	}
	if res.RedirectURL != "" {
		return c.Redirect(http.StatusSeeOther, res.RedirectURL)
	}
	return c.Redirect(http.StatusSeeOther, payment.ReceiptPath(res.Order))
}

// ThreeDSReturn handles the browser's return from 3-D Secure on the success
// or failed callback URL. It often comes as a cross-site POST without our
// cookie: the order is found by the unguessable reference in the URL alone.
func (h *Handler) ThreeDSReturn(passed bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := h.pay.CompleteThreeDS(h.ctx(c), c.Param("ref"), passed)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, payment.ReceiptPath(o))
	}
}

func (h *Handler) flashRedirect(c echo.Context, to, msg string) error {
	s := h.sessions.Get(c)
	s.Flash = msg
	if i18n.Has(msg) {
		s.Flash = loc(c).T(msg)
	}
	if err := h.sessions.Save(c, s); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// expiryText turns MMYY into MM/YY for display.
func expiryText(mmyy string) string {
	if len(mmyy) != 4 {
		return mmyy
	}
	return mmyy[:2] + "/" + mmyy[2:]
}

// cartVersion is a short digest of the cart's lines as shown: product,
// quantity and price of each.
func cartVersion(lines []store.CartLine) string {
	h := sha256.New()
	for _, l := range lines {
		fmt.Fprintf(h, "%d:%d:%d;", l.ProductID, l.Quantity, l.PriceIDR)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
