// Package merchant owns the shop's own details as shoppers read them on a
// receipt and in an e-mail: name, contact and address. Today they come from
// the environment (Static); a back-office settings table can take over by
// implementing Source, and nothing that reads them changes.
package merchant

import (
	"context"
	"strings"
)

// Contact is how a shopper reaches the shop.
type Contact struct {
	Name    string // the shop's name, e.g. "Toko Kita"
	Email   string // where shoppers write; also the receipts' From address
	Phone   string
	Address string // the shop's postal address, one line
}

// Source gives the shop's current contact details.
type Source interface {
	Contact(ctx context.Context) Contact
}

// Static is a Source whose details never change (configuration).
type Static Contact

// Contact returns s.
func (s Static) Contact(context.Context) Contact { return Contact(s) }

// Defaults are the demo shop's details, used for what the configuration
// leaves unset.
var Defaults = Contact{
	Name:    "Toko Kita",
	Email:   "halo@toko-kita.example",
	Phone:   "+62 21 555 0100",
	Address: "Jl. Contoh No. 1, Jakarta 10110, Indonesia",
}

// FromEnv reads STORE_NAME, STORE_EMAIL, STORE_PHONE and STORE_ADDRESS
// through getenv, with Defaults for those unset.
func FromEnv(getenv func(string) string) Static {
	pick := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	return Static{
		Name:    pick("STORE_NAME", Defaults.Name),
		Email:   pick("STORE_EMAIL", Defaults.Email),
		Phone:   pick("STORE_PHONE", Defaults.Phone),
		Address: pick("STORE_ADDRESS", Defaults.Address),
	}
}
