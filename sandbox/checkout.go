package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"doku-checkout/doku/signature"
)

// checkoutPagePath prefixes the hosted Checkout page: /checkout-page/{token_id}.
const checkoutPagePath = "/checkout-page/"

// Checkout defaults and formats.
const (
	defaultDueMinutes  = 60
	expiredDateLayout  = "20060102150405"
	paymentMethodCard  = "CREDIT_CARD"
	checkoutMessageOK  = "SUCCESS"
	jakartaOffsetHours = 7
)

// jakarta is WIB (UTC+7), the zone of expired_date (OUR CHOICE).
var jakarta = time.FixedZone("WIB", jakartaOffsetHours*3600)

// checkoutSession is one hosted Checkout payment link.
type checkoutSession struct {
	tokenID     string
	requestID   string
	invoice     string
	amount      int64
	lineItems   []lineItem
	callbackURL string
	customerID  string
	paymentType string // SALE unless the request named another
	created     time.Time
	expires     time.Time
	tx          *transaction // latest charge
	flash       string       // message for the next page view
}

// paid reports whether the link's money is taken (or being taken).
func (cs *checkoutSession) paid() bool { return cs.tx != nil && cs.tx.paid() }

type checkoutRequest struct {
	Order    orderIn    `json:"order"`
	Customer customerIn `json:"customer"`
	Payment  struct {
		Type               string   `json:"type"`
		PaymentDueDate     *int64   `json:"payment_due_date"`
		PaymentMethodTypes []string `json:"payment_method_types"`
	} `json:"payment"`
}

type checkoutResponse struct {
	Message  []string             `json:"message"`
	Response checkoutResponseBody `json:"response"`
}

type checkoutResponseBody struct {
	Order   orderOut           `json:"order"`
	Payment checkoutPaymentOut `json:"payment"`
	Headers checkoutHeadersOut `json:"headers"`
}

type checkoutPaymentOut struct {
	URL         string `json:"url"`
	ExpiredDate string `json:"expired_date"`
	TokenID     string `json:"token_id"`
}

// checkoutHeadersOut echoes the request's signed headers, as DOKU does.
type checkoutHeadersOut struct {
	RequestID string `json:"request_id"`
	Signature string `json:"signature"`
	Date      string `json:"date"`
	ClientID  string `json:"client_id"`
}

// createCheckout is POST /checkout/v1/payment.
func (s *Server) createCheckout(req *apiRequest) apiResponse {
	var in checkoutRequest
	if e := decodeObject(req, &in); e != nil {
		return *e
	}
	var v validator
	v.required("order.invoice_number", in.Order.InvoiceNumber, maxInvoiceCheckout)
	v.amount("order.amount", in.Order.Amount)
	v.lineItems(in.Order.LineItems, in.Order.Amount)
	if in.Order.CallbackURL != "" {
		v.absoluteURL("order.callback_url", in.Order.CallbackURL)
	}
	v.customer(in.Customer)
	due := int64(defaultDueMinutes)
	if in.Payment.PaymentDueDate != nil {
		due = *in.Payment.PaymentDueDate
		v.check(due >= 1 && due <= maxDueMinutes, "payment.payment_due_date", reasonDueDate)
	}
	paymentType := paymentSale
	if in.Payment.Type != "" {
		paymentType = in.Payment.Type
		v.check(needsThreeDS(paymentType), "payment.type", reasonCheckoutType)
	}
	if v.resp != nil {
		return *v.resp
	}
	if m := in.Payment.PaymentMethodTypes; len(m) > 0 && !slices.Contains(m, paymentMethodCard) {
		return errorResponse(http.StatusPreconditionFailed, codeMethodUnavailable, msgNoCardMethod)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	if st.invoicePaid(in.Order.InvoiceNumber) {
		return errorResponse(http.StatusBadRequest, codeDuplicateInvoice, msgInvoicePaid)
	}
	now := s.now()
	cs := &checkoutSession{
		tokenID:     randomHex(16),
		requestID:   req.requestID,
		invoice:     in.Order.InvoiceNumber,
		amount:      in.Order.Amount,
		lineItems:   in.Order.LineItems,
		callbackURL: in.Order.CallbackURL,
		customerID:  in.Customer.ID,
		paymentType: paymentType,
		created:     now,
		expires:     now.Add(time.Duration(due) * time.Minute),
	}
	st.checkouts[cs.tokenID] = cs
	st.checkoutByReqID[cs.requestID] = cs
	ir := st.byInvoice(cs.invoice, true)
	ir.checkouts = append(ir.checkouts, cs)
	st.addRecord(cs, s.keep(), now)
	return jsonResponse(http.StatusOK, checkoutResponse{
		Message: []string{checkoutMessageOK},
		Response: checkoutResponseBody{
			Order: orderOut{InvoiceNumber: cs.invoice, Amount: cs.amount},
			Payment: checkoutPaymentOut{
				URL:         s.cfg.PublicURL + checkoutPagePath + cs.tokenID,
				ExpiredDate: cs.expires.In(jakarta).Format(expiredDateLayout),
				TokenID:     cs.tokenID,
			},
			Headers: checkoutHeadersOut{
				RequestID: req.requestID,
				Signature: req.signature,
				Date:      req.timestamp,
				ClientID:  s.cfg.ClientID,
			},
		},
	})
}

// checkoutView is what the hosted page shows.
type checkoutView struct {
	Merchant   string
	Invoice    string
	Total      string
	Items      []itemView
	Action     string
	Tokenize   bool
	SavedCards []savedCardView
	Expiry     string // the shopper's expiry input, re-shown; never the number or CVV
	Error      string
}

type itemView struct {
	Name     string
	Quantity int64
	Price    string
	Subtotal string
}

type savedCardView struct {
	Token   string
	Masked  string
	Brand   string
	Expiry  string
	Checked bool
}

// Messages on the hosted Checkout page.
const (
	checkoutErrNumber   = "Enter a valid card number."
	checkoutErrExpiry   = "Enter the expiry as MMYY, e.g. 1230."
	checkoutErrCVV      = "Enter the 3-digit security code (4 digits for AMEX)."
	checkoutErrToken    = "That saved card is not available. Choose another or enter a card."
	checkoutErr3DS      = "3-D Secure authentication failed. Try again or use another card."
	checkoutErrDeclined = "The card was declined. Try another card."
)

// checkoutPage is GET /checkout-page/{token}.
func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	cs := s.st.checkouts[r.PathValue("token")]
	if cs == nil || !s.checkoutOpen(w, cs) {
		s.mu.Unlock()
		if cs == nil {
			s.renderMessage(w, http.StatusNotFound, titleCheckoutNotFound, textCheckoutNotFound, "")
		}
		return
	}
	view := s.checkoutViewLocked(cs, cs.flash, "", "")
	cs.flash = ""
	s.mu.Unlock()
	s.render(w, http.StatusOK, pageCheckout, view)
}

// checkoutOpen renders the friendly page for a paid or expired link and
// reports whether the link can still be paid. Callers hold s.mu.
func (s *Server) checkoutOpen(w http.ResponseWriter, cs *checkoutSession) bool {
	switch {
	case cs.paid():
		s.renderMessage(w, http.StatusOK, titleCheckoutPaid, textCheckoutPaid, cs.callbackURL)
		return false
	case s.now().After(cs.expires):
		s.renderMessage(w, http.StatusGone, titleCheckoutExpired, textCheckoutExpired, cs.callbackURL)
		return false
	}
	return true
}

// checkoutViewLocked builds the page model. Callers hold s.mu.
func (s *Server) checkoutViewLocked(cs *checkoutSession, msg, expiry, chosen string) checkoutView {
	view := checkoutView{
		Merchant: s.cfg.MerchantName,
		Invoice:  cs.invoice,
		Total:    formatIDR(cs.amount),
		Action:   checkoutPagePath + cs.tokenID,
		Tokenize: cs.customerID != "",
		Expiry:   expiry,
		Error:    msg,
	}
	for _, it := range cs.lineItems {
		view.Items = append(view.Items, itemView{
			Name: it.Name, Quantity: it.Quantity,
			Price: formatIDR(it.Price), Subtotal: formatIDR(it.Price * it.Quantity),
		})
	}
	if cs.customerID != "" {
		for _, sc := range s.st.customerCards(cs.customerID) {
			view.SavedCards = append(view.SavedCards, savedCardView{
				Token: sc.token, Masked: sc.card.masked(), Brand: sc.card.brand,
				Expiry: sc.card.expiry, Checked: sc.token == chosen,
			})
		}
	}
	return view
}

// checkoutSubmit is POST /checkout-page/{token}: check the card (or saved
// token), then start the OTP step.
func (s *Server) checkoutSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	_ = r.ParseForm()
	f := r.PostForm
	token := f.Get("token")
	number := strings.NewReplacer(" ", "", "-", "").Replace(f.Get("card_number"))
	expiry := strings.ReplaceAll(strings.TrimSpace(f.Get("card_expiry")), "/", "")
	cvv := strings.TrimSpace(f.Get("card_cvv"))
	save := f.Get("save_card") != ""

	s.mu.Lock()
	st := s.st
	cs := st.checkouts[r.PathValue("token")]
	if cs == nil || !s.checkoutOpen(w, cs) {
		s.mu.Unlock()
		if cs == nil {
			s.renderMessage(w, http.StatusNotFound, titleCheckoutNotFound, textCheckoutNotFound, "")
		}
		return
	}
	a := &authentication{
		id:         randomHex(32),
		requestID:  cs.requestID,
		amount:     cs.amount,
		invoice:    cs.invoice,
		customerID: cs.customerID,
		created:    s.now(),
		checkout:   cs,
	}
	var msg string
	if token != "" {
		sc := st.tokens[token]
		if sc == nil || cs.customerID == "" || sc.customerID != cs.customerID {
			msg = checkoutErrToken
		} else {
			a.card, a.token, a.tokenCustomer = sc.card, sc.token, sc.customerID
		}
	} else {
		switch {
		case checkCardNumber(number) != "":
			msg = checkoutErrNumber
		case !validExpiry(expiry):
			msg = checkoutErrExpiry
		case !validCVV(cvv, brandOf(number)):
			msg = checkoutErrCVV
		}
		a.card = cardData{number: number, expiry: expiry, brand: brandOf(number)}
		a.save = save && cs.customerID != ""
	}
	if msg != "" {
		view := s.checkoutViewLocked(cs, msg, safeExpiry(expiry), token)
		s.mu.Unlock()
		s.render(w, http.StatusUnprocessableEntity, pageCheckout, view)
		return
	}
	st.addAuth(a, s.keep(), s.now())
	s.mu.Unlock()
	seeOther(w, challengeRef(a.id))
}

// safeExpiry re-shows the expiry input only when it is short and plain.
func safeExpiry(e string) string {
	if len(e) <= 5 && printable(e) {
		return e
	}
	return ""
}

// finishCheckout follows the OTP step of a hosted Checkout: on success the
// charge executes, the notification goes out, and the browser returns to
// the merchant's callback_url; on failure the shopper is back on the page.
func (s *Server) finishCheckout(w http.ResponseWriter, r *http.Request, a *authentication, passed bool) {
	cs := a.checkout
	page := checkoutPagePath + cs.tokenID
	s.mu.Lock()
	st := s.st
	if !passed {
		if !a.used {
			cs.flash = checkoutErr3DS
		}
		s.mu.Unlock()
		seeOther(w, page)
		return
	}
	if a.used || cs.paid() || st.invoicePaid(cs.invoice) {
		s.mu.Unlock()
		s.returnFromCheckout(w, cs, page)
		return
	}
	card, token, save := a.card, a.token, a.save
	a.markUsed()
	tx := s.execute(st, chargeSpec{
		requestID:   cs.requestID,
		invoice:     cs.invoice,
		amount:      cs.amount,
		customerID:  cs.customerID,
		paymentType: cs.paymentType,
		authID:      a.id,
		card:        card,
		token:       token,
		save:        save,
	})
	cs.tx = tx
	tx.checkout = cs
	if tx.status == statusFailed {
		cs.flash = checkoutErrDeclined
	}
	s.mu.Unlock()
	s.afterExecute(tx)
	s.returnFromCheckout(w, cs, page)
}

// returnFromCheckout sends the browser to the merchant, or back to the page
// when the merchant gave no callback_url.
func (s *Server) returnFromCheckout(w http.ResponseWriter, cs *checkoutSession, page string) {
	if cs.callbackURL != "" {
		seeOther(w, cs.callbackURL)
		return
	}
	seeOther(w, page)
}

// checkoutDate formats a time for the dashboard.
func checkoutDate(t time.Time) string { return t.UTC().Format(signature.TimestampLayout) }
