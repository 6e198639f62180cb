package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
	"doku-checkout/views"
)

// Cards renders GET /account/cards: the customer's saved cards.
func (h *Handler) Cards(c echo.Context) error {
	cust, err := h.customer(c)
	if err != nil {
		return err
	}
	h.syncSavedCards(c, cust)
	cards, err := h.store.SavedCards(h.ctx(c), cust.ID)
	if err != nil {
		return err
	}
	v := views.CardsView{Page: h.page(c, loc(c).T("cards.title"))}
	for _, sc := range cards {
		v.Cards = append(v.Cards, views.SavedCardRow{ID: sc.ID, Brand: sc.Brand, Masked: sc.Masked, Expiry: expiryText(sc.Expiry)})
	}
	return render(c, http.StatusOK, views.CardsPage(v))
}

// DeleteCard handles POST /account/cards/{id}/delete. Another customer's
// card id is answered as not found.
func (h *Handler) DeleteCard(c echo.Context) error {
	cust, err := h.customer(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	// The card goes at once; its token is deleted at DOKU too (retried
	// later if DOKU cannot be reached).
	if err := h.pay.RemoveSavedCard(h.ctx(c), cust.ID, id); err != nil {
		return err
	}
	return h.flashRedirect(c, route.Cards, loc(c).T("cards.removed"))
}
