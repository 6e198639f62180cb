package payment

import "context"

// TypeSource gives DOKU's payment.type for a new payment: the owner may
// switch between SALE and AUTHORIZE while the shop runs.
type TypeSource interface {
	PaymentType(ctx context.Context) string
}

// paymentType is the type a payment starting now is made with: the
// source's when it names one we support, else the configured one.
func (s *Service) paymentType(ctx context.Context) string {
	if s.cfg.Types != nil {
		if t := s.cfg.Types.PaymentType(ctx); SupportedType(t) {
			return t
		}
	}
	return s.cfg.PaymentType
}
