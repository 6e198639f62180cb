package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// Catalog renders GET /.
func (h *Handler) Catalog(c echo.Context) error {
	return h.renderCatalog(c, http.StatusOK, "")
}

func (h *Handler) renderCatalog(c echo.Context, status int, msg string) error {
	products, err := h.store.Catalog(h.ctx(c))
	if err != nil {
		return err
	}
	v := views.CatalogView{Page: h.page(c, "Catalog"), Error: msg}
	for _, p := range products {
		v.Products = append(v.Products, views.ProductCard{
			ID: p.ID, Name: p.Name, Description: p.Description, PriceText: views.IDR(p.PriceIDR),
			ImageURL: ProductImageURL(v.StaticPrefix, p.Image),
		})
	}
	return render(c, status, views.CatalogPage(v))
}

// AddToCart handles POST /cart/items (product_id, quantity).
func (h *Handler) AddToCart(c echo.Context) error {
	productID, err := strconv.ParseInt(c.FormValue("product_id"), 10, 64)
	if err != nil {
		return h.renderCatalog(c, http.StatusUnprocessableEntity, "That product does not exist.")
	}
	qty, ok := parseQuantity(c.FormValue("quantity"), 1)
	if !ok || qty == 0 {
		return h.renderCatalog(c, http.StatusUnprocessableEntity, "Choose a quantity from 1 to 99.")
	}
	if _, err := h.store.Product(h.ctx(c), productID); errors.Is(err, store.ErrNotFound) {
		return h.renderCatalog(c, http.StatusUnprocessableEntity, "That product does not exist.")
	} else if err != nil {
		return err
	}
	s, err := h.cart(c)
	if err != nil {
		return err
	}
	if err := h.store.AddToCart(h.ctx(c), s.CartID, productID, qty); err != nil {
		return err
	}
	s.Flash = "Added to your cart."
	if err := h.sessions.Save(c, s); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, route.Cart)
}

// cart returns the session with a cart id, new on first use; the store
// creates the cart with its first item.
func (h *Handler) cart(c echo.Context) (*Session, error) {
	s := h.sessions.Get(c)
	if s.CartID == "" {
		s.CartID = randomID()
	}
	return s, nil
}

// parseQuantity reads a quantity 0..99; empty means def.
func parseQuantity(raw string, def int) (int, bool) {
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > store.MaxQuantity {
		return 0, false
	}
	return n, true
}
