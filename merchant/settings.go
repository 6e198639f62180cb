package merchant

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Keys of the settings table that hold the shop's details.
const (
	KeyName        = "store_name"
	KeyEmail       = "contact_email"
	KeyPhone       = "contact_phone"
	KeyAddress     = "store_address"
	KeyModes       = "payment_modes" // "direct", "hosted" or "direct,hosted"
	KeyPaymentType = "payment_type"  // SALE or AUTHORIZE
)

// Shop is what the owner sets in the back office: the contact details
// shoppers read, and how the shop takes payments.
type Shop struct {
	Contact
	// Modes are the enabled payment modes, "direct" and/or "hosted", in
	// that order.
	Modes []string
	// PaymentType is DOKU's payment.type: SALE, or AUTHORIZE to capture later.
	PaymentType string
}

// Table is where the settings live (the store's settings table).
type Table interface {
	SettingOrInit(ctx context.Context, key string, gen func() string) (string, error)
	SetSettings(ctx context.Context, values map[string]string) error
}

// Settings is the shop's settings, read from Table at start and kept in
// memory: every page shows them, and they change only through Save. It is
// a Source.
type Settings struct {
	table Table
	mu    sync.RWMutex
	cur   Shop
}

// OpenSettings reads the shop's settings from t. A key not written yet (a
// new database, or one from before the back office) is written first with
// its value from initial: the configuration (STORE_*, PAYMENT_MODE,
// PAYMENT_TYPE) is the first start's default, the settings table rules
// after that.
func OpenSettings(ctx context.Context, t Table, initial Shop) (*Settings, error) {
	vals := map[string]string{}
	for k, v := range initial.values() {
		got, err := t.SettingOrInit(ctx, k, func() string { return v })
		if err != nil {
			return nil, fmt.Errorf("merchant: settings: %w", err)
		}
		vals[k] = got
	}
	s := &Settings{table: t, cur: fromValues(vals, initial)}
	return s, nil
}

// values are sh as settings rows.
func (sh Shop) values() map[string]string {
	return map[string]string{
		KeyName: sh.Name, KeyEmail: sh.Email, KeyPhone: sh.Phone, KeyAddress: sh.Address,
		KeyModes: strings.Join(sh.Modes, ","), KeyPaymentType: sh.PaymentType,
	}
}

// fromValues reads settings rows; a value that cannot be used (no mode
// enabled, an unknown mode or type) falls back to def's.
func fromValues(v map[string]string, def Shop) Shop {
	sh := Shop{Contact: Contact{Name: v[KeyName], Email: v[KeyEmail], Phone: v[KeyPhone], Address: v[KeyAddress]}, PaymentType: v[KeyPaymentType]}
	if sh.Name == "" {
		sh.Name = def.Name
	}
	for _, m := range []string{"direct", "hosted"} {
		if slices.Contains(strings.Split(v[KeyModes], ","), m) {
			sh.Modes = append(sh.Modes, m)
		}
	}
	if len(sh.Modes) == 0 {
		sh.Modes = slices.Clone(def.Modes)
	}
	if sh.PaymentType != "SALE" && sh.PaymentType != "AUTHORIZE" {
		sh.PaymentType = def.PaymentType
	}
	return sh
}

// Shop returns the current settings.
func (s *Settings) Shop() Shop {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sh := s.cur
	sh.Modes = slices.Clone(sh.Modes)
	return sh
}

// Contact returns the shop's current contact details.
func (s *Settings) Contact(context.Context) Contact { return s.Shop().Contact }

// Modes returns the enabled payment modes.
func (s *Settings) Modes(context.Context) []string { return s.Shop().Modes }

// PaymentType returns DOKU's payment.type for new payments.
func (s *Settings) PaymentType(context.Context) string { return s.Shop().PaymentType }

// Save writes sh (already checked by the caller) in one transaction and
// makes it current.
func (s *Settings) Save(ctx context.Context, sh Shop) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.table.SetSettings(ctx, sh.values()); err != nil {
		return fmt.Errorf("merchant: save settings: %w", err)
	}
	s.cur = sh
	s.cur.Modes = slices.Clone(sh.Modes)
	return nil
}
