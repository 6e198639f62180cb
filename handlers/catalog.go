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
	l := loc(c)
	token, _ := c.Get("csrf").(string)
	k, keep := h.catalogKey(c, status, msg, token)
	if keep {
		if parts, ok := h.pages.get(products, k); ok {
			return writeKept(c, status, parts, token)
		}
	}
	v := views.CatalogView{Page: h.page(c, l.T("catalog.title")), Error: l.T(msg)}
	if msg == "" {
		v.Error = ""
	}
	for _, p := range products {
		v.Products = append(v.Products, views.ProductCard{
			ID: p.ID, Name: p.Name, Description: p.Description, PriceText: l.Money(p.PriceIDR),
			ImageURL: ProductImageURL(v.StaticPrefix, p.Image),
		})
	}
	if keep {
		v.CSRF = csrfMark
		return h.pages.renderKept(c, products, k, views.CatalogPage(v), token)
	}
	return render(c, status, views.CatalogPage(v))
}

// catalogKey says whether this catalog page is one kept in h.pages, and
// under which key: the plain page of a guest (no message, no flash, no
// query string) is the same for every guest of its language and cart count.
func (h *Handler) catalogKey(c echo.Context, status int, msg, token string) (pageKey, bool) {
	if status != http.StatusOK || msg != "" || token == "" || c.Request().URL.RawQuery != "" {
		return pageKey{}, false
	}
	if s := h.sessions.Get(c); s.CustomerID != 0 || s.Flash != "" {
		return pageKey{}, false
	}
	count, err := h.cartCount(c)
	if err != nil {
		return pageKey{}, false
	}
	return pageKey{lang: loc(c).Lang(), cartCount: count, shop: storeContact(h.cfg.Merchant.Contact(h.ctx(c)))}, true
}

// AddToCart handles POST /cart/items (product_id, quantity).
func (h *Handler) AddToCart(c echo.Context) error {
	productID, err := strconv.ParseInt(c.FormValue("product_id"), 10, 64)
	if err != nil {
		return h.renderCatalog(c, http.StatusUnprocessableEntity, "catalog.err.no_product")
	}
	qty, ok := parseQuantity(c.FormValue("quantity"), 1)
	if !ok || qty == 0 {
		return h.renderCatalog(c, http.StatusUnprocessableEntity, "catalog.err.quantity")
	}
	product, err := h.store.Product(h.ctx(c), productID)
	if errors.Is(err, store.ErrNotFound) {
		return h.renderCatalog(c, http.StatusUnprocessableEntity, "catalog.err.no_product")
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
	s.Flash = loc(c).T("catalog.added", product.Name)
	if err := h.sessions.Save(c, s); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, addedGoesTo(c))
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

// addedGoesTo is where adding to the cart leads: back to the catalog when
// the shopper added from it (still browsing: the flash and the header's
// count say it worked), else to the cart.
func addedGoesTo(c echo.Context) string {
	if c.FormValue("from") == "catalog" {
		return route.Catalog
	}
	return route.Cart
}
