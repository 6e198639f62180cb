package app

import "doku-checkout/payment"

// Option changes how New builds the app; main uses none.
type Option func(*options)

type options struct {
	gateway payment.Gateway
}

// WithGateway makes the payment flow call gw instead of the DOKU client
// (tests: a fake gateway). The embedded sandbox is not started; incoming
// notifications are still verified with the configured DOKU secret.
func WithGateway(gw payment.Gateway) Option {
	return func(o *options) { o.gateway = gw }
}
