package handlers

import (
	"context"
	"slices"

	"github.com/labstack/echo/v4"

	"doku-checkout/merchant"
	"doku-checkout/views"
)

// ModeSource tells which payment modes are enabled now: the owner may
// change them in the back office while the shop runs.
type ModeSource interface {
	Modes(ctx context.Context) []string
}

// fixedModes is a ModeSource that never changes (Config.Modes).
type fixedModes []string

func (m fixedModes) Modes(context.Context) []string { return slices.Clone(m) }

// modes are the payment modes enabled for this request, as a list (in
// order of preference) and as a set.
func (h *Handler) modes(c echo.Context) ([]string, map[string]bool) {
	list := h.cfg.PaymentModes.Modes(h.ctx(c))
	if len(list) == 0 { // a settings row that lists none: direct, as the configuration's default
		list = []string{"direct"}
	}
	set := make(map[string]bool, len(list))
	for _, m := range list {
		set[m] = true
	}
	return list, set
}

// storeContact is the shop's contact as the views show it.
func storeContact(c merchant.Contact) views.StoreContact {
	return views.StoreContact{Name: c.Name, Email: c.Email, Phone: c.Phone, Address: c.Address}
}
