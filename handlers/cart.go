package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"doku-checkout/i18n"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// Cart renders GET /cart with the total computed here, from catalog prices.
func (h *Handler) Cart(c echo.Context) error {
	return h.renderCart(c, http.StatusOK, nil)
}

func (h *Handler) renderCart(c echo.Context, status int, errs map[string]string) error {
	lines, err := h.cartLines(c)
	if err != nil {
		return err
	}
	v := views.CartView{Page: h.page(c, loc(c).T("cart.title")), Errors: translateErrors(c, errs)}
	v.Lines, v.TotalText = viewLines(loc(c), lines)
	return render(c, status, views.CartPage(v))
}

// UpdateCartItem handles POST /cart/items/{id} (quantity; 0 removes).
func (h *Handler) UpdateCartItem(c echo.Context) error {
	productID, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	qty, ok := parseQuantity(c.FormValue("quantity"), -1)
	if !ok || qty < 0 {
		return h.renderCart(c, http.StatusUnprocessableEntity, map[string]string{"quantity": "cart.err.quantity"})
	}
	lines, err := h.cartLines(c)
	if err != nil {
		return err
	}
	found := false
	for _, l := range lines {
		found = found || l.ProductID == productID
	}
	if !found {
		return h.renderCart(c, http.StatusUnprocessableEntity, map[string]string{"quantity": "cart.err.not_in_cart"})
	}
	s := h.sessions.Get(c)
	if err := h.store.SetCartQuantity(h.ctx(c), s.CartID, productID, qty); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, route.Cart)
}

// cartLines reads the session's cart once per request (the page header
// shows its count too). A handler that changes the cart redirects, so the
// memo never outlives a change.
func (h *Handler) cartLines(c echo.Context) ([]store.CartLine, error) {
	if lines, ok := c.Get("cartLines").([]store.CartLine); ok {
		return lines, nil
	}
	return h.readCart(c, h.store.CartLines)
}

// cartLinesToOrder reads the session's cart from the database itself, never
// from a kept read: an order is priced from these. The rest of the request
// (the form shown again on bad input) shows the same lines.
func (h *Handler) cartLinesToOrder(c echo.Context) ([]store.CartLine, error) {
	return h.readCart(c, h.store.CartLinesToOrder)
}

func (h *Handler) readCart(c echo.Context, read func(context.Context, string) ([]store.CartLine, error)) ([]store.CartLine, error) {
	s := h.sessions.Get(c)
	if s.CartID == "" {
		return nil, nil
	}
	lines, err := read(h.ctx(c), s.CartID)
	if err == nil {
		c.Set("cartLines", lines)
	}
	return lines, err
}

// viewLines formats cart lines and their total for a view.
func viewLines(l *i18n.Localizer, lines []store.CartLine) ([]views.Line, string) {
	var out []views.Line
	var total int64
	for _, cl := range lines {
		sum := cl.PriceIDR * int64(cl.Quantity)
		total += sum
		out = append(out, views.Line{ProductID: cl.ProductID, Name: cl.Name, Quantity: cl.Quantity,
			UnitText: l.Money(cl.PriceIDR), LineTotalText: l.Money(sum)})
	}
	return out, l.Money(total)
}
