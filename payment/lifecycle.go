package payment

// The order lifecycle, in one place: the statuses an order can have, the
// table of moves between them, which statuses are open and which final,
// which ones keep a cart busy, the texts a shopper reads about an order, and
// the one function every change of status goes through (Service.move).
// Package store runs the conditional update this file hands it and knows
// none of these rules. The README's state diagram is this table drawn
// (TestReadmeDiagramIsTheTableOfMoves holds the two together).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"doku-checkout/doku"
	"doku-checkout/i18n"
	"doku-checkout/route"
	"doku-checkout/store"
)

// Status is an order's state. The store keeps it as text; its meaning is
// here.
type Status = store.Status

// The statuses of an order.
const (
	// StatusCreated: written before any call to DOKU.
	StatusCreated Status = "CREATED"
	// StatusAwaiting3DS: the shopper is at (or left) the issuer's 3-D Secure page.
	StatusAwaiting3DS Status = "AWAITING_3DS"
	// StatusAwaitingPayment: the shopper is at (or left) the DOKU Checkout page.
	StatusAwaitingPayment Status = "AWAITING_PAYMENT"
	// StatusCharging: our one Charge is being sent.
	StatusCharging Status = "CHARGING"
	// StatusPending: the charge's outcome is unknown; the reconciler asks DOKU.
	StatusPending Status = "PENDING"
	// StatusSuccess: a verified signature said the money was taken.
	StatusSuccess Status = "SUCCESS"
	// StatusFailed: no money was taken, and none will be for this order.
	StatusFailed Status = "FAILED"
	// StatusAuthorized: an AUTHORIZE charge reserved the money; the owner
	// captures it (→ SUCCESS) or voids it.
	StatusAuthorized Status = "AUTHORIZED"
	// StatusVoided: the authorisation was cancelled; nothing was taken.
	StatusVoided Status = "VOIDED"
	// StatusPartiallyRefunded: part of the captured money was given back.
	StatusPartiallyRefunded Status = "PARTIALLY_REFUNDED"
	// StatusRefunded: all of the captured money was given back.
	StatusRefunded Status = "REFUNDED"
)

// Statuses lists every status, in the order an order meets them.
var Statuses = []Status{
	StatusCreated, StatusAwaiting3DS, StatusAwaitingPayment, StatusCharging,
	StatusPending, StatusSuccess, StatusFailed,
	StatusAuthorized, StatusVoided, StatusPartiallyRefunded, StatusRefunded,
}

// finalStatuses are those in which the payment's outcome is known: no
// notification, status check or retry changes them.
// Only the merchant's money actions (merchantMoves) leave one.
var finalStatuses = []Status{StatusSuccess, StatusFailed, StatusAuthorized, StatusVoided, StatusPartiallyRefunded, StatusRefunded}

// Final reports whether the payment of an order in s has its outcome.
func Final(s Status) bool { return slices.Contains(finalStatuses, s) }

// busyStatuses keep a cart from being paid again: an order of the cart is
// being set up, charging, pending, or open on DOKU Checkout, so a second
// payment could charge the shopper twice. (AWAITING_3DS is not among them:
// a new checkout supersedes it, see MoveSuperseded.)
var busyStatuses = []Status{StatusCreated, StatusCharging, StatusPending, StatusAwaitingPayment}

// Move names one kind of change of an order's status.
type Move string

// The moves. Transitions says from which statuses each may be made, to
// which, and in which payment mode.
const (
	MoveThreeDSIssued   Move = "3ds_issued"       // DOKU gave a 3-D Secure page
	MovePageIssued      Move = "page_issued"      // DOKU gave a Checkout page
	MoveRefused         Move = "refused"          // no page: refused, or DOKU unreachable, before any money moved
	MoveThreeDSFailed   Move = "3ds_failed"       // the shopper came back on the failed callback
	MoveSuperseded      Move = "superseded"       // a newer checkout of the same cart
	MoveAbandoned       Move = "abandoned"        // 3-D Secure never finished
	MoveCharging        Move = "charging"         // 3-D Secure passed: our one Charge goes out
	MoveOutcomeUnknown  Move = "outcome_unknown"  // the charge got no answer we can trust
	MovePaid            Move = "paid"             // a verified answer says SUCCESS
	MoveDeclined        Move = "declined"         // a verified answer says FAILED
	MoveAttemptDeclined Move = "attempt_declined" // a card was declined on DOKU Checkout; the link stays payable
	MoveExpired         Move = "expired"          // the Checkout link expired unpaid
	MoveNeverCharged    Move = "never_charged"    // DOKU never saw our charge, long after it was sent
	MoveAuthorized      Move = "authorized"       // a verified answer says an AUTHORIZE charge reserved the money
	// The merchant's money actions (payment/actions.go), each made once
	// DOKU confirmed it.
	MoveCaptured      Move = "captured"       // the authorisation was captured (in full or in part)
	MoveVoided        Move = "voided"         // the authorisation was cancelled
	MovePartRefunded  Move = "part_refunded"  // a refund left some of the captured money
	MoveFullyRefunded Move = "fully_refunded" // refunds gave back all of the captured money
)

// merchantMoves are the money actions: the only moves that leave a final
// status, because the payment's outcome is known and the merchant acts on it.
var merchantMoves = []Move{MoveCaptured, MoveVoided, MovePartRefunded, MoveFullyRefunded}

// MerchantMove reports whether m is a money action of the merchant's.
func MerchantMove(m Move) bool { return slices.Contains(merchantMoves, m) }

// Transition is one row of the table of moves.
type Transition struct {
	Move Move
	Mode string // ModeDirect, ModeHosted, or "" for both
	From []Status
	To   Status
}

// Transitions is the table of moves. Nothing changes an order's status but
// a row of this table, applied by Service.move. A new money action
// (refund, capture, void) is new rows here.
var Transitions = []Transition{
	{MoveThreeDSIssued, ModeDirect, []Status{StatusCreated}, StatusAwaiting3DS},
	{MovePageIssued, ModeHosted, []Status{StatusCreated}, StatusAwaitingPayment},
	{MoveRefused, "", []Status{StatusCreated}, StatusFailed},
	{MoveThreeDSFailed, ModeDirect, []Status{StatusAwaiting3DS}, StatusFailed},
	{MoveSuperseded, ModeDirect, []Status{StatusAwaiting3DS}, StatusFailed},
	{MoveAbandoned, ModeDirect, []Status{StatusCreated, StatusAwaiting3DS}, StatusFailed},
	{MoveCharging, ModeDirect, []Status{StatusAwaiting3DS}, StatusCharging},
	{MoveOutcomeUnknown, ModeDirect, []Status{StatusCharging}, StatusPending},
	// A direct order is settled by DOKU only once we have charged it.
	{MovePaid, ModeDirect, []Status{StatusCharging, StatusPending}, StatusSuccess},
	{MoveDeclined, ModeDirect, []Status{StatusCharging, StatusPending}, StatusFailed},
	{MoveNeverCharged, ModeDirect, []Status{StatusCharging, StatusPending}, StatusFailed},
	// A notification may overtake the answer that gave us the page (CREATED).
	{MovePaid, ModeHosted, []Status{StatusCreated, StatusAwaitingPayment}, StatusSuccess},
	// DOKU Checkout keeps a declined link payable until it expires: ending
	// the order at a decline would make us ignore the SUCCESS that can follow.
	{MoveAttemptDeclined, ModeHosted, []Status{StatusAwaitingPayment}, StatusAwaitingPayment},
	{MoveExpired, ModeHosted, []Status{StatusCreated, StatusAwaitingPayment}, StatusFailed},
	// payment.type AUTHORIZE: the money is reserved, not taken.
	{MoveAuthorized, ModeDirect, []Status{StatusCharging, StatusPending}, StatusAuthorized},
	// The merchant's money actions, each once DOKU confirmed it.
	{MoveCaptured, ModeDirect, []Status{StatusAuthorized}, StatusSuccess},
	{MoveVoided, ModeDirect, []Status{StatusAuthorized}, StatusVoided},
	{MovePartRefunded, "", []Status{StatusSuccess, StatusPartiallyRefunded}, StatusPartiallyRefunded},
	{MoveFullyRefunded, "", []Status{StatusSuccess, StatusPartiallyRefunded}, StatusRefunded},
}

// ErrIllegalMove: a move that is not in Transitions for the order's mode.
// It is a bug in this package, never the shopper's doing.
var ErrIllegalMove = errors.New("payment: move not in the lifecycle table")

// transitionFor returns the row of m for an order in mode.
func transitionFor(m Move, mode string) (Transition, bool) {
	for _, t := range Transitions {
		if t.Move == m && (t.Mode == "" || t.Mode == mode) {
			return t, true
		}
	}
	return Transition{}, false
}

// record is what a move writes beside the new status.
type record struct {
	store.Fields
	Reason      string    // kept in the order's events
	NextCheckAt time.Time // when to ask DOKU next; zero leaves it as it is
	// Action is the money action this move settles, in the same write.
	Action *store.ActionOutcome
}

// step is the store's conditional update for this row.
func (t Transition) step(rec record) store.Step {
	return store.Step{
		From: t.From, To: t.To, Move: string(t.Move), Reason: rec.Reason, Fields: rec.Fields,
		NextCheckAt:  rec.NextCheckAt,
		EndChecks:    Final(t.To),
		EmptyCart:    t.Move == MovePaid || t.Move == MoveAuthorized, // what was paid for leaves the cart
		CaptureAll:   t.Move == MovePaid,                             // a sale takes its whole amount
		ReleaseStock: t.To == StatusFailed || t.To == StatusVoided,   // nothing was sold: its stock goes back
		Action:       rec.Action,
	}
}

// move makes m on order o and reports whether the order moved: false when
// it is no longer in one of the row's from-statuses (another request, a
// notification or the reconciler moved it first). A final order never
// moves; when something would contradict it, that is logged for a person.
func (s *Service) move(ctx context.Context, o store.Order, m Move, rec record) (bool, error) {
	t, ok := transitionFor(m, o.Mode)
	if !ok {
		s.log.Error("payment: move not in the lifecycle table", "invoice", o.Invoice, "move", m, "mode", o.Mode)
		return false, fmt.Errorf("%w: %s on a %s order", ErrIllegalMove, m, o.Mode)
	}
	moved, err := s.store.Transition(ctx, o.ID, t.step(rec))
	if err != nil {
		s.log.Error("payment: record move", "invoice", o.Invoice, "move", m, "err", err)
		return false, err
	}
	switch {
	case moved && Final(t.To):
		s.log.Info("payment: order final", "invoice", o.Invoice, "status", t.To, "reason", rec.Reason)
		if t.To == StatusSuccess && o.CustomerID != 0 {
			s.tokens.forget(o.CustomerID) // the payment may have saved a card at DOKU
		}
		if s.cfg.OnFinal != nil {
			s.cfg.OnFinal(ctx, o, t.To)
		}
	case !moved && Final(t.To) && !MerchantMove(m):
		if cur, err := s.store.OrderByID(ctx, o.ID); err == nil && Final(cur.Status) && cur.Status != t.To && !MerchantMove(Move(cur.LastMove)) {
			// Never moved, but a person must look: DOKU said two things.
			s.log.Error("payment: final order contradicted", "invoice", o.Invoice, "order", cur.Status, "now", t.To, "reason", rec.Reason)
		}
	}
	return moved, nil
}

// cartClaim is what a new order does to the other orders of its cart: it
// is refused while one is busy, and it supersedes those still waiting for
// 3-D Secure (nothing was charged), whose challenge, finished later in
// another tab, must not charge.
func cartClaim() store.CartClaim {
	t, _ := transitionFor(MoveSuperseded, ModeDirect)
	return store.CartClaim{
		Busy:      busyStatuses,
		Supersede: t.step(record{Reason: "superseded by a new checkout of the cart", Fields: store.Fields{ResponseMessage: TextThreeDSNotCompleted}}),
	}
}

// definiteRefusal reports whether err is DOKU refusing a call for certain,
// so that nothing happened: a signed 4xx answer. A 409 is not one (it may
// replay a first answer), nor is anything that leaves the outcome unknown.
// This is the only place that rule is written.
func definiteRefusal(err error) (*doku.APIError, bool) {
	var apiErr *doku.APIError
	if !errors.As(err, &apiErr) || errors.Is(err, doku.ErrOutcomeUnknown) {
		return nil, false
	}
	if apiErr.HTTPStatus < 400 || apiErr.HTTPStatus >= 500 || apiErr.HTTPStatus == 409 {
		return nil, false
	}
	return apiErr, true
}

// What a shopper reads about an order, as message keys of the i18n
// catalog: the receipt writes them in the shopper's language. Nothing
// translated is stored.
const (
	TextPaid            = "receipt.msg.paid"
	TextFailed          = "receipt.msg.failed"
	TextConfirming      = "receipt.msg.confirming"
	TextAttemptDeclined = "receipt.msg.attempt_declined"
	TextAwaitingPayment = "receipt.msg.awaiting_payment"
	TextAwaiting3DS     = "receipt.msg.awaiting_3ds"
	TextAuthorized      = "receipt.msg.authorized"
	TextVoided          = "receipt.msg.voided"
	TextPartRefunded    = "receipt.msg.part_refunded"
	TextRefunded        = "receipt.msg.refunded"
)

// The fixed texts an order records in response_message (read as is by the
// back office). They are codes as much as words: the shopper reads them
// through answerKeys, in their own language. DOKU's own free text is never
// stored or shown, since it may echo what was sent.
const (
	TextThreeDSFailed       = "3-D Secure authentication failed"
	TextThreeDSNotCompleted = "3-D Secure was not completed"
	TextNotCompleted        = "The payment was not completed."
	TextGatewayUnavailable  = "gateway unavailable"
	TextNotEnrolled         = "This card is not enrolled in 3-D Secure, which this store requires."
	TextBankDeclined        = "Declined by the bank"
	textRefusedByGateway    = "Refused by the payment gateway (%s)"
)

// answerKeys are the message keys of the fixed texts above.
var answerKeys = map[string]string{
	TextThreeDSFailed:       "answer.3ds_failed",
	TextThreeDSNotCompleted: "answer.3ds_not_completed",
	TextNotCompleted:        "answer.not_completed",
	TextGatewayUnavailable:  "answer.gateway_unavailable",
	TextNotEnrolled:         "answer.not_enrolled",
	TextBankDeclined:        "answer.declined",
}

// responseTexts are the fixed texts of ISO 8583 response codes.
var responseTexts = map[string]string{
	"00": "Approved",
	"05": "Do not honour",
	"12": "Invalid transaction",
	"14": "Invalid card number",
	"51": "Insufficient funds",
	"54": "Expired card",
	"09": "In progress",
}

// responseText maps an ISO 8583 response code to its fixed text.
func responseText(code string) string {
	if code == "" {
		return ""
	}
	if t, ok := responseTexts[code]; ok {
		return t
	}
	return TextBankDeclined
}

// refusedText is what an order records about a signed refusal: DOKU's
// code, never its message.
func refusedText(e *doku.APIError) string {
	return fmt.Sprintf(textRefusedByGateway, e.Code)
}

// Answer is what the shopper reads of an order's recorded answer
// (response_message and response_code): a sentence of the catalog in their
// language, the bank's code after it. A bank's code is read for its own
// sentence ("Declined by your bank" for 05); a text recorded by an older
// version, or unknown, reads as a decline.
func Answer(code, recorded string) i18n.Phrase {
	if recorded == "" && code == "" {
		return i18n.Phrase{}
	}
	if k, ok := answerKeys[recorded]; ok && recorded != TextBankDeclined {
		return i18n.Phrase{Key: k, Code: code}
	}
	if rest, ok := strings.CutPrefix(recorded, strings.TrimSuffix(textRefusedByGateway, "%s)")); ok {
		return i18n.Phrase{Key: "answer.gateway_refused", Arg: strings.TrimSuffix(rest, ")")}
	}
	if code == "" {
		for c, t := range responseTexts {
			if t == recorded {
				return i18n.Phrase{Key: "bank." + c}
			}
		}
	}
	if code != "" && i18n.Has("bank."+code) {
		return i18n.Phrase{Key: "bank." + code, Code: code}
	}
	return i18n.Phrase{Key: "answer.declined", Code: code}
}

// Receipt is what an order's receipt shows, decided from its state.
type Receipt struct {
	// Status is the code shown: SUCCESS, FAILED or PENDING (every open
	// status reads PENDING to the shopper).
	Status string
	// Message says what the status means for the shopper.
	Message string
	// Detail is the bank's or the gateway's answer (see Answer).
	Detail i18n.Phrase
	// RetryURL, when set, is where the shopper can try again.
	RetryURL string
	// Refresh: the outcome is on its way; the page should look again by itself.
	Refresh bool
	// CapturedIDR and RefundedIDR: the money taken and given back.
	CapturedIDR, RefundedIDR int64
}

// ShownStatus is the status code a shopper sees for s: every open status
// reads PENDING.
func ShownStatus(s Status) string {
	if Final(s) {
		return string(s)
	}
	return string(StatusPending)
}

// ReceiptFor decides what the receipt of o shows from the order alone. A
// hosted order waiting for its payment reads "confirming", with no way to
// pay again, until DOKU has said the link is still unpaid: see
// Service.Confirm, which asks.
func ReceiptFor(o store.Order) Receipt { return receiptFor(o, false) }

// receiptFor decides what the receipt of o shows; unpaid says DOKU has just
// confirmed that o's payment link holds no payment.
func receiptFor(o store.Order, unpaid bool) Receipt {
	switch o.Status {
	case StatusSuccess:
		return Receipt{Status: string(StatusSuccess), Message: TextPaid, CapturedIDR: o.CapturedIDR, RefundedIDR: o.RefundedIDR}
	case StatusAuthorized:
		return Receipt{Status: string(o.Status), Message: TextAuthorized}
	case StatusVoided:
		return Receipt{Status: string(o.Status), Message: TextVoided}
	case StatusPartiallyRefunded:
		return Receipt{Status: string(o.Status), Message: TextPartRefunded, CapturedIDR: o.CapturedIDR, RefundedIDR: o.RefundedIDR}
	case StatusRefunded:
		return Receipt{Status: string(o.Status), Message: TextRefunded, CapturedIDR: o.CapturedIDR, RefundedIDR: o.RefundedIDR}
	case StatusFailed:
		r := Receipt{Status: string(StatusFailed), Message: TextFailed, RetryURL: route.CheckoutRetryPath(o.Invoice)}
		if o.ResponseMessage != "" {
			r.Detail = Answer(o.ResponseCode, o.ResponseMessage)
		}
		return r
	}
	r := Receipt{Status: ShownStatus(o.Status), Message: TextConfirming, Refresh: true}
	switch {
	case o.Status == StatusAwaitingPayment && o.LastMove == string(MoveAttemptDeclined):
		r.Message, r.Detail, r.RetryURL, r.Refresh = TextAttemptDeclined, Answer("", o.ResponseMessage), o.PaymentURL, false
	case o.Status == StatusAwaitingPayment && unpaid:
		r.Message, r.RetryURL = TextAwaitingPayment, o.PaymentURL
	case o.Status == StatusAwaiting3DS || o.Status == StatusCreated:
		r.Message, r.RetryURL, r.Refresh = TextAwaiting3DS, route.CheckoutRetryPath(o.Invoice), false
	}
	return r
}
