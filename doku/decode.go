package doku

import (
	"bytes"
	"encoding/json"
	"errors"
)

// result is a decoded success answer that can tell whether it carries the
// fields the payment flow relies on.
type result interface {
	check() error
}

// bodyMarker is a result that can record that its body was not covered by
// the answer's signature.
type bodyMarker interface{ markBodyNotSigned() }

func (n *Notification) markBodyNotSigned() { n.BodyNotSigned = true }

// errorEnvelope is DOKU's error body: {"error":{"code","message","type"}}.
type errorEnvelope struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

// decodeResult decodes a success answer leniently (unknown fields are
// ignored) but insists on a JSON object that is not an error envelope and
// carries the fields out requires.
func decodeResult(body []byte, out result) error {
	if err := decodeObject(body, out); err != nil {
		return err
	}
	var env errorEnvelope
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		return errors.New("error envelope where a result was expected")
	}
	return out.check()
}

// decodeObject decodes body into v, which must be a single JSON object.
func decodeObject(body []byte, v any) error {
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("body is not a JSON object")
	}
	return json.Unmarshal(body, v)
}

// decodeAPIError returns the rejection in a's body, or nil when the body is
// not an error envelope with a code.
func decodeAPIError(op string, a *answer) *APIError {
	var env errorEnvelope
	if decodeObject(a.body, &env) != nil || env.Error == nil || env.Error.Code == "" {
		return nil
	}
	return &APIError{
		Op:         op,
		HTTPStatus: a.status,
		Code:       env.Error.Code,
		Message:    env.Error.Message,
		Type:       env.Error.Type,
	}
}

func (r *CheckThreeDSResponse) check() error {
	if r.ThreeDSecure.EnrollmentStatus && r.ThreeDSecure.AuthenticationURL == "" {
		return errors.New("no three_dsecure.authentication_url")
	}
	return nil
}

func (r *ChargeResponse) check() error {
	if r.Payment.Status == "" {
		return errors.New("no payment.status")
	}
	return nil
}

func (r *CaptureResponse) check() error { return nil }

func (r *RefundResponse) check() error { return nil }

func (r *TokensResponse) check() error { return nil }

func (r *CheckoutResponse) check() error {
	if r.Response.Payment.URL == "" {
		return errors.New("no response.payment.url")
	}
	return nil
}

// check applies to notifications and to status answers alike.
func (n *Notification) check() error {
	switch {
	case n.Transaction.Status == "":
		return errors.New("no transaction.status")
	case n.Order.InvoiceNumber == "":
		return errors.New("no order.invoice_number")
	}
	return nil
}
