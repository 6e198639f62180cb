package doku

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
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

// errorEnvelope holds both of DOKU's error bodies (docs/doku-api.md §3.2):
// the card, VA and payment-page APIs answer {"error":{"code","message",
// "type"}}; DOKU Checkout answers {"message":["…"]}, the same top-level
// array that says ["SUCCESS"] on success (MAG RequestCheckout.php:427,479;
// WOO JokulCheckoutModule.php:292).
type errorEnvelope struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
	Message json.RawMessage `json:"message"`
}

// CodeCheckoutRefused is the Code of an APIError read from DOKU Checkout's
// {"message":[…]} envelope, which carries no code of its own. DOKU's
// message is kept in Message and never shown to the shopper.
const CodeCheckoutRefused = "CHECKOUT_REFUSED"

// messageSuccess is message[0] of a successful Checkout answer.
const messageSuccess = "SUCCESS"

// checkoutMessages returns the envelope's message array, if it is one.
func (e *errorEnvelope) checkoutMessages() ([]string, bool) {
	var list []string
	if len(e.Message) == 0 || json.Unmarshal(e.Message, &list) != nil || len(list) == 0 {
		return nil, false
	}
	return list, true
}

// refusal reports whether the envelope is an error of either shape.
func (e *errorEnvelope) refusal() bool {
	if e.Error != nil {
		return true
	}
	list, ok := e.checkoutMessages()
	return ok && !strings.EqualFold(strings.TrimSpace(list[0]), messageSuccess)
}

// emptyResult is a result whose answer may carry no body at all.
type emptyResult interface{ emptyBodyOK() }

func (*DeleteTokenResponse) emptyBodyOK() {}

// decodeResult decodes a success answer leniently (unknown fields are
// ignored) but insists on a JSON object that is not an error envelope of
// either shape and carries the fields out requires.
func decodeResult(body []byte, out result) error {
	if _, ok := out.(emptyResult); ok && len(bytes.TrimSpace(body)) == 0 {
		return out.check()
	}
	if err := decodeObject(body, out); err != nil {
		return err
	}
	var env errorEnvelope
	if json.Unmarshal(body, &env) == nil && env.refusal() {
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
//
// Both shapes count: {"error":{…}} with a code or a message, and DOKU
// Checkout's {"message":[…]} whose first entry is not SUCCESS.
func decodeAPIError(op string, a *answer) *APIError {
	var env errorEnvelope
	if decodeObject(a.body, &env) != nil {
		return nil
	}
	if e := env.Error; e != nil {
		if e.Code == "" && e.Message == "" {
			return nil
		}
		return &APIError{Op: op, HTTPStatus: a.status, Code: e.Code, Message: e.Message, Type: e.Type}
	}
	if list, ok := env.checkoutMessages(); ok && env.refusal() {
		return &APIError{Op: op, HTTPStatus: a.status, Code: CodeCheckoutRefused, Message: strings.Join(list, "; ")}
	}
	return nil
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

func (r *DeleteTokenResponse) check() error { return nil }

func (r *CheckoutResponse) check() error {
	// WOO requires message[0] == "SUCCESS" besides the URL; an answer
	// without message is taken on its URL alone.
	if len(r.Message) > 0 && !strings.EqualFold(strings.TrimSpace(r.Message[0]), messageSuccess) {
		return errors.New("message[0] is not SUCCESS")
	}
	if r.Response.Payment.URL == "" {
		return errors.New("no response.payment.url")
	}
	return nil
}

// check applies to notifications and to status answers alike. Since July
// 2025 a Check Status answer for a Checkout order may carry order.status
// and no transaction at all (CL-2507): either status will do.
func (n *Notification) check() error {
	switch {
	case n.Transaction.Status == "" && n.Order.Status == "":
		return errors.New("no transaction.status nor order.status")
	case n.Order.InvoiceNumber == "":
		return errors.New("no order.invoice_number")
	}
	return nil
}
