package sandbox

import (
	"net/http"
	"net/url"
	"time"
)

// challengePath is where authentication_url points (OUR CHOICE).
const challengePath = "/3ds/challenge"

// The OTP that passes the sandbox challenge.
const passingOTP = "123456"

// authState is where a 3-D Secure authentication stands.
type authState int

const (
	authPending authState = iota
	authAuthenticated
	authFailed
)

// authentication is one 3-D Secure challenge.
type authentication struct {
	id            string
	requestID     string
	amount        int64
	invoice       string
	customerID    string
	card          cardData
	token         string // the token the card came from, if any
	tokenCustomer string
	successURL    string
	failedURL     string
	state         authState
	used          bool
	created       time.Time
	// checkout is set when the authentication belongs to a hosted Checkout
	// payment; save asks for the card to be tokenized.
	checkout *checkoutSession
	save     bool
}

type checkThreeDSRequest struct {
	Order        orderIn    `json:"order"`
	Card         cardIn     `json:"card"`
	Customer     customerIn `json:"customer"`
	ThreeDSecure threeDSIn  `json:"three_dsecure"`
}

type checkThreeDSResponse struct {
	Order        orderOut          `json:"order"`
	ThreeDSecure threeDSOutcomeOut `json:"three_dsecure"`
}

type threeDSOutcomeOut struct {
	EnrollmentStatus  bool   `json:"enrollment_status"`
	AuthenticationID  string `json:"authentication_id"`
	AuthenticationURL string `json:"authentication_url"`
}

// checkThreeDS is POST /credit-card/check-three-d-secure.
func (s *Server) checkThreeDS(req *apiRequest) apiResponse {
	var in checkThreeDSRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.amount("order.amount", in.Order.Amount)
	v.text("order.invoice_number", in.Order.InvoiceNumber, maxInvoiceCard)
	v.lineItems(in.Order.LineItems, in.Order.Amount)
	v.cardInput(in.Card, true)
	v.absoluteURL("three_dsecure.callback_url_success", in.ThreeDSecure.CallbackURLSuccess)
	v.absoluteURL("three_dsecure.callback_url_failed", in.ThreeDSecure.CallbackURLFailed)
	v.customer(in.Customer)
	if v.resp != nil {
		return *v.resp
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	a := &authentication{
		id:         randomHex(32),
		requestID:  req.requestID,
		amount:     in.Order.Amount,
		invoice:    in.Order.InvoiceNumber,
		customerID: in.Customer.ID,
		successURL: in.ThreeDSecure.CallbackURLSuccess,
		failedURL:  in.ThreeDSecure.CallbackURLFailed,
		created:    s.now(),
	}
	if in.Card.Token != "" {
		sc, fail := st.resolveToken(in.Card.Token, in.Customer.ID, false)
		if fail != nil {
			return *fail
		}
		a.card, a.token, a.tokenCustomer = sc.card, sc.token, sc.customerID
		if in.Card.CVV != "" && !validCVV(in.Card.CVV, a.card.brand) {
			return fieldError("card.cvv", reasonCVV)
		}
	} else {
		a.card = cardData{number: in.Card.Number, expiry: in.Card.Expiry, brand: brandOf(in.Card.Number)}
	}
	if a.invoice != "" && st.invoicePaid(a.invoice) {
		return errorResponse(http.StatusBadRequest, codeDuplicateInvoice, msgInvoicePaid)
	}
	st.addAuth(a, s.keep(), s.now())
	s.log.Info("3ds check", "authentication_id", a.id, "card", a.card.masked(), "amount", a.amount)
	return jsonResponse(http.StatusOK, checkThreeDSResponse{
		Order: orderOut{InvoiceNumber: a.invoice, Amount: a.amount},
		ThreeDSecure: threeDSOutcomeOut{
			EnrollmentStatus:  true,
			AuthenticationID:  a.id,
			AuthenticationURL: s.challengeURL(a.id),
		},
	})
}

// challengeURL is the absolute authentication_url for id.
func (s *Server) challengeURL(id string) string {
	return s.cfg.PublicURL + challengeRef(id)
}

// challengeRef is the challenge page's path and query for id.
func challengeRef(id string) string {
	return challengePath + "?" + url.Values{"authenticationId": {id}}.Encode()
}

// addAuth remembers a, under its invoice too when the card API's status
// check may report it.
func (st *state) addAuth(a *authentication, k keep, now time.Time) {
	st.auths[a.id] = a
	if a.checkout == nil && a.invoice != "" {
		ir := st.byInvoice(a.invoice, true)
		ir.auths = append(ir.auths, a)
	}
	st.addRecord(a, k, now)
}

// markUsed records that a charge took the card: the number is not needed
// any more (a reuse is refused for being used).
func (a *authentication) markUsed() {
	a.used = true
	a.card = a.card.withoutNumber()
}

// cardInput checks card.number/expiry/cvv or card.token. When needCard is
// false (a 3DS charge) the card may be absent altogether.
func (v *validator) cardInput(c cardIn, needCard bool) {
	if c.Token != "" {
		v.text("card.token", c.Token, maxToken)
		if c.Number != "" {
			v.check(checkCardNumber(c.Number) == "", "card.number", reasonLuhn)
		}
		if c.CVV != "" {
			v.check(isDigits(c.CVV) && len(c.CVV) <= 4 && len(c.CVV) >= 3, "card.cvv", reasonCVV)
		}
		return
	}
	if c.Number == "" && needCard {
		v.fail("card.number", reasonCardOrToken)
		return
	}
	if c.Number != "" {
		if r := checkCardNumber(c.Number); r != "" {
			v.fail("card.number", r)
			return
		}
		if c.Expiry == "" && needCard {
			v.fail("card.expiry", reasonMandatory)
			return
		}
	}
	if c.Expiry != "" {
		v.check(validExpiry(c.Expiry), "card.expiry", reasonExpiry)
	}
	if c.CVV != "" {
		v.check(validCVV(c.CVV, brandOf(c.Number)), "card.cvv", reasonCVV)
	}
}

// decodeObject is decode plus the demand that the body is a JSON object.
func decodeObject(req *apiRequest, v any) *apiResponse {
	if e := decode(req, v); e != nil {
		return e
	}
	if !isJSONObject(req.body) {
		resp := errorResponse(http.StatusBadRequest, codeInvalidFormat, msgMalformedJSON)
		return &resp
	}
	return nil
}

// challengeView is what the OTP page shows.
type challengeView struct {
	Merchant string
	Amount   string
	Masked   string
	Brand    string
	Action   string
	AuthID   string
	Message  string
}

// challengePage is GET /3ds/challenge?authenticationId=...
func (s *Server) challengePage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authenticationId")
	s.mu.Lock()
	a := s.st.auths[id]
	var view challengeView
	pending, back := false, ""
	if a != nil {
		pending = a.state == authPending
		// Done: back to the merchant's return for its outcome, which
		// leads to the order's receipt.
		back = a.failedURL
		if a.state == authAuthenticated {
			back = a.successURL
		}
		view = challengeView{
			Merchant: s.cfg.MerchantName,
			Amount:   formatIDR(a.amount),
			Masked:   a.card.masked(),
			Brand:    a.card.brand,
			Action:   challengeRef(a.id),
			AuthID:   a.id,
		}
	}
	s.mu.Unlock()
	switch {
	case a == nil:
		s.renderMessage(w, http.StatusNotFound, titleAuthNotFound, textAuthNotFound, "")
	case !pending:
		s.renderMessage(w, http.StatusOK, titleAuthDone, textAuthDone, back)
	default:
		s.render(w, http.StatusOK, pageChallenge, view)
	}
}

// challengeSubmit is POST /3ds/challenge: the OTP decides, then the browser
// goes (303) to the callback URL exactly as the merchant gave it.
func (s *Server) challengeSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	_ = r.ParseForm()
	id := r.URL.Query().Get("authenticationId")
	if id == "" {
		id = r.PostForm.Get("authenticationId")
	}
	otp := r.PostForm.Get("otp")

	s.mu.Lock()
	a := s.st.auths[id]
	if a == nil {
		s.mu.Unlock()
		s.renderMessage(w, http.StatusNotFound, titleAuthNotFound, textAuthNotFound, "")
		return
	}
	if a.state == authPending {
		if otp == passingOTP && a.card.behavior() != behaviorFail3DS {
			a.state = authAuthenticated
		} else {
			// Never charged now: the status check shows the masked card.
			a.state = authFailed
			a.card = a.card.withoutNumber()
		}
		s.log.Info("3ds challenge", "authentication_id", a.id, "card", a.card.masked(), "passed", a.state == authAuthenticated)
	}
	passed := a.state == authAuthenticated
	target := a.failedURL
	if passed {
		target = a.successURL
	}
	s.mu.Unlock()

	if a.checkout != nil {
		s.finishCheckout(w, r, a, passed)
		return
	}
	seeOther(w, target)
}

// seeOther sends the browser to target with 303, the Location exactly target.
func seeOther(w http.ResponseWriter, target string) {
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusSeeOther)
}
