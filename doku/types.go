package doku

// Wire types for the client side of the contract (docs/doku-api.md).
// Fields DOKU may add are ignored on decode; optional fields are omitted on encode.

// Payment types for Charge.
// DOKU lists five (docs/doku-api.md §5.1); 3-D Secure comes first for SALE,
// AUTHORIZE and INSTALLMENT, not for MOTO and RECURRING.
const (
	PaymentSale        = "SALE"
	PaymentMOTO        = "MOTO"
	PaymentAuthorize   = "AUTHORIZE"
	PaymentInstallment = "INSTALLMENT"
	PaymentRecurring   = "RECURRING"
)

// NeedsThreeDS reports whether a payment type must pass Check 3DS before
// its charge.
func NeedsThreeDS(paymentType string) bool {
	switch paymentType {
	case PaymentMOTO, PaymentRecurring:
		return false
	}
	return true
}

// Checkout order statuses in Check Status (since July 2025, CL-2507).
const (
	OrderGenerated = "ORDER_GENERATED"
	OrderExpired   = "ORDER_EXPIRED"
	OrderRecovered = "ORDER_RECOVERED"
)

// Transaction and payment statuses.
const (
	StatusSuccess  = "SUCCESS"
	StatusFailed   = "FAILED"
	StatusPending  = "PENDING"
	StatusExpired  = "EXPIRED"
	StatusRefunded = "REFUNDED"
	StatusTimeout  = "TIMEOUT"
	StatusRedirect = "REDIRECT"
)

// LineItem is one line of an order; price × quantity over all lines must equal the amount.
type LineItem struct {
	Name     string `json:"name"`
	Price    int64  `json:"price"`
	Quantity int    `json:"quantity"`
}

// Order identifies the merchant's order and its amount in whole rupiah.
type Order struct {
	InvoiceNumber string     `json:"invoice_number,omitempty"`
	Amount        int64      `json:"amount"`
	LineItems     []LineItem `json:"line_items,omitempty"`
	CallbackURL   string     `json:"callback_url,omitempty"`
}

// Customer is the shopper; ID switches on tokenization.
type Customer struct {
	ID      string `json:"id,omitempty"`
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
	Country string `json:"country,omitempty"`
}

// CardInput is what the merchant sends about a card: a number or a token.
type CardInput struct {
	Number string `json:"number,omitempty"`
	Expiry string `json:"expiry,omitempty"`
	CVV    string `json:"cvv,omitempty"`
	Token  string `json:"token,omitempty"`
	Save   bool   `json:"save,omitempty"`
}

// ThreeDSInput carries the callback URLs (Check 3DS) or the authentication id (Charge).
type ThreeDSInput struct {
	CallbackURLSuccess string `json:"callback_url_success,omitempty"`
	CallbackURLFailed  string `json:"callback_url_failed,omitempty"`
	AuthenticationID   string `json:"authentication_id,omitempty"`
}

// CheckThreeDSRequest is the body of POST /credit-card/check-three-d-secure.
type CheckThreeDSRequest struct {
	Order        Order        `json:"order"`
	Customer     *Customer    `json:"customer,omitempty"`
	Card         CardInput    `json:"card"`
	ThreeDSecure ThreeDSInput `json:"three_dsecure"`
}

// CheckThreeDSResponse is DOKU's answer to Check 3DS.
type CheckThreeDSResponse struct {
	Order        OrderResult `json:"order"`
	ThreeDSecure struct {
		EnrollmentStatus  bool   `json:"enrollment_status"`
		AuthenticationID  string `json:"authentication_id"`
		AuthenticationURL string `json:"authentication_url"`
	} `json:"three_dsecure"`
}

// PaymentInput selects the charge type.
type PaymentInput struct {
	Type   string `json:"type"`
	Tenor  string `json:"tenor,omitempty"`
	PlanID string `json:"plan_id,omitempty"`
}

// ChargeRequest is the body of POST /credit-card/charge.
type ChargeRequest struct {
	Order        Order        `json:"order"`
	Customer     *Customer    `json:"customer,omitempty"`
	ThreeDSecure ThreeDSInput `json:"three_dsecure"`
	Payment      PaymentInput `json:"payment"`
	Card         *CardInput   `json:"card,omitempty"`
}

// NameValue is one entry of payment.identifier.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PaymentResult is the payment block of a charge answer.
type PaymentResult struct {
	Type            string      `json:"type"`
	Identifier      []NameValue `json:"identifier"`
	RequestID       string      `json:"request_id"`
	AuthorizeID     string      `json:"authorize_id"`
	ResponseCode    string      `json:"response_code"`
	ResponseMessage string      `json:"response_message"`
	ECI             string      `json:"eci"`
	Status          string      `json:"status"`
	ApprovalCode    string      `json:"approval_code"`
}

// CardResult is what DOKU tells back about the card: never the full number.
type CardResult struct {
	Masked string `json:"masked"`
	Type   string `json:"type"`
	Issuer string `json:"issuer"`
	Brand  string `json:"brand"`
	Token  string `json:"token"`
}

// ChargeResponse is DOKU's answer to Charge.
type ChargeResponse struct {
	Order    OrderResult `json:"order"`
	Customer struct {
		ID string `json:"id"`
	} `json:"customer"`
	Payment      PaymentResult `json:"payment"`
	ThreeDSecure struct {
		AuthenticationID string `json:"authentication_id"`
	} `json:"three_dsecure"`
	Card CardResult `json:"card"`
}

// CaptureRequest is the body of POST /credit-card/capture.
type CaptureRequest struct {
	Payment struct {
		AuthorizeID   string `json:"authorize_id"`
		CaptureAmount int64  `json:"capture_amount,omitempty"`
	} `json:"payment"`
}

// CaptureResponse is DOKU's answer to Capture (lenient: the payment block).
type CaptureResponse struct {
	Order   Order         `json:"order"`
	Payment PaymentResult `json:"payment"`
}

// RefundRequest is the body of POST /cancellation/credit-card/refund.
type RefundRequest struct {
	Order struct {
		InvoiceNumber string `json:"invoice_number"`
	} `json:"order"`
	Payment struct {
		OriginalRequestID string `json:"original_request_id"`
	} `json:"payment"`
	Refund struct {
		Amount int64 `json:"amount"`
	} `json:"refund"`
}

// RefundResponse is DOKU's answer to a refund or void.
type RefundResponse struct {
	Order  Order `json:"order"`
	Refund struct {
		Amount int64  `json:"amount"`
		Status string `json:"status"`
	} `json:"refund"`
	Payment PaymentResult `json:"payment"`
}

// CardPayment is the card channel block of a notification or status answer
// (OUR CHOICE in docs/doku-api.md §10.1).
type CardPayment struct {
	Masked          string `json:"masked"`
	Brand           string `json:"brand"`
	ApprovalCode    string `json:"approval_code"`
	ResponseCode    string `json:"response_code"`
	ResponseMessage string `json:"response_message"`
	Token           string `json:"token,omitempty"`
	Expiry          string `json:"expiry,omitempty"`
	// AuthorizeID is set for an AUTHORIZE charge (OUR CHOICE: the sandbox
	// sends it; DOKU's own notification body is not documented).
	AuthorizeID string `json:"authorize_id,omitempty"`
}

// Notification is the envelope of an HTTP notification and of a status answer.
type Notification struct {
	Service struct {
		ID string `json:"id"`
	} `json:"service"`
	Acquirer struct {
		ID string `json:"id"`
	} `json:"acquirer"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	// Transaction is absent from a Check Status answer for a Checkout
	// order nobody has paid on yet (CL-2507): Status is then "".
	Transaction struct {
		Status            string `json:"status"`
		Date              string `json:"date"`
		OriginalRequestID string `json:"original_request_id"`
	} `json:"transaction"`
	Order    OrderResult `json:"order"`
	Customer struct {
		ID string `json:"id"`
	} `json:"customer"`
	CardPayment *CardPayment `json:"card_payment,omitempty"`
	// BodyNotSigned is set by the client when the answer's signature did
	// not cover this body (a status answer signed in the four-line form,
	// without Digest): then nothing in it is proven, and it must settle
	// nothing.
	BodyNotSigned bool `json:"-"`
}

// StatusResponse is the answer of GET /orders/v1/status/{id}: the notification envelope.
type StatusResponse = Notification

// SavedToken is one entry of the v2 token list (TOKEN2; APIDOG sample
// tokens-v2.get-token.response.json). Only what the shop keeps is decoded.
type SavedToken struct {
	ID            string `json:"id"`
	MaskedAccount string `json:"masked_account"`
	Card          struct {
		Brand  string `json:"brand"`
		Issuer string `json:"issuer"`
		// Expiry as DOKU writes it, "26/12" in its sample: year/month,
		// since 26 is no month. See ExpiryMMYY.
		Expiry string `json:"expiry"`
	} `json:"card"`
}

// ExpiryMMYY returns the token's expiry as MMYY, or "" when it cannot be
// read. DOKU's only sample writes "26/12" (YY/MM: 26 is no month); a
// MM/YY form is accepted too, told apart by which half is a month, and
// plain MMYY passes through. When both halves could be a month (years up
// to 2012) the answer is "" rather than a guess.
func (t SavedToken) ExpiryMMYY() string {
	e := t.Card.Expiry
	if len(e) == 4 && allDigits(e) {
		return e
	}
	if len(e) != 5 || e[2] != '/' || !allDigits(e[:2]) || !allDigits(e[3:]) {
		return ""
	}
	a, b := e[:2], e[3:]
	month := func(s string) bool { return s >= "01" && s <= "12" }
	switch {
	case month(b) && !month(a):
		return b + a // YY/MM
	case month(a) && !month(b):
		return a + b // MM/YY
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// TokensResponse is the answer of POST /tokenization/v2/get-token.
type TokensResponse struct {
	Customer struct {
		ID string `json:"id"`
	} `json:"customer"`
	Tokens []SavedToken `json:"tokens"`
}

// DeleteTokenRequest is the body of POST /tokenization/v2/delete-token.
type DeleteTokenRequest struct {
	Token struct {
		ID string `json:"id"`
	} `json:"token"`
}

// DeleteTokenResponse is DOKU's answer to delete-token: HTTP 200 with
// signed headers; its body is not published (docs/doku-api.md §8.2), so
// nothing in it is relied on, and an empty body is accepted.
type DeleteTokenResponse struct{}

// CheckoutRequest is the body of POST /checkout/v1/payment.
type CheckoutRequest struct {
	Order   Order `json:"order"`
	Payment struct {
		// Type is the payment type (SALE, AUTHORIZE, …); CO-BE lists it
		// as optional.
		Type               string   `json:"type,omitempty"`
		PaymentDueDate     int      `json:"payment_due_date,omitempty"`
		PaymentMethodTypes []string `json:"payment_method_types,omitempty"`
	} `json:"payment"`
	Customer *Customer `json:"customer,omitempty"`
}

// CheckoutResponse is DOKU's answer to a Checkout payment request.
type CheckoutResponse struct {
	Message  []string `json:"message"`
	Response struct {
		Order   OrderResult `json:"order"`
		Payment struct {
			URL         string `json:"url"`
			ExpiredDate string `json:"expired_date"`
			TokenID     string `json:"token_id"`
		} `json:"payment"`
	} `json:"response"`
}
