package app

import "doku-checkout/merchant"

// InitialShop is the shop's settings as the configuration gives them
// (STORE_*, PAYMENT_MODE, PAYMENT_TYPE): written to the settings table on
// the first start; the owner's settings page rules after that.
func (c Config) InitialShop() merchant.Shop {
	return merchant.Shop{Contact: merchant.Contact(c.Merchant), Modes: c.Modes, PaymentType: c.PaymentType}
}
