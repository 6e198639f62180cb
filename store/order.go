package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Status is an order's state, kept as text. Its vocabulary and its rules
// (which moves are allowed, which states are open or final) belong to
// package payment (payment/lifecycle.go); the store only runs the
// conditional updates payment hands it.
type Status string

// Order modes.
const (
	ModeDirect = "direct"
	ModeHosted = "hosted"
)

// OrderLine is a snapshot of a cart line taken when the order was created.
type OrderLine struct {
	ProductID int64
	Name      string
	PriceIDR  int64
	Quantity  int
}

// Order is a checkout attempt. It holds the masked card only.
type Order struct {
	ID               int64
	Invoice          string
	Ref              string // unguessable, in the 3-D Secure callback URLs
	ReceiptKey       string // a guest's receipt link key; "" for a customer's order
	CheckoutKey      string
	CustomerID       int64 // 0 for a guest
	CartID           string
	Mode             string
	Status           Status
	LastMove         string // the lifecycle move that set Status
	AmountIDR        int64
	Name             string
	Email            string
	Phone            string
	Address          string
	Country          string
	CardMasked       string
	CardBrand        string
	CardExpiry       string
	CardToken        string
	SaveCard         bool
	ThreeDSRequestID string
	AuthID           string
	AuthURL          string
	ChargeRequestID  string
	PaymentURL       string
	PaymentExpiresAt time.Time // when the DOKU Checkout link stops being payable
	ApprovalCode     string
	ECI              string
	ResponseCode     string
	ResponseMessage  string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	NextCheckAt      time.Time // zero when no check is due
	CheckAttempts    int
	AuthorizeID      string // an AUTHORIZE charge's id, for its capture
	CapturedIDR      int64  // money taken: a sale's amount once paid, or what captures took
	RefundedIDR      int64  // money given back by refunds
	Lang             string // the shopper's language at checkout (i18n code); "" before it was kept
	Lines            []OrderLine
}

// CartClaim is what creating an order does to the other orders of its
// cart, as package payment decides it.
type CartClaim struct {
	// Busy: another order of the cart in one of these states refuses the
	// new order with a *CartBusyError.
	Busy []Status
	// Supersede is applied, in the same transaction, to every other order
	// of the cart in one of Supersede.From. Empty From: none.
	Supersede Step
}

// CreateOrder writes the order, its lines and its first event in one
// transaction, after applying claim to the cart's other orders.
// ErrDuplicate when the checkout key was used already.
func (s *Store) CreateOrder(ctx context.Context, o *Order, claim CartClaim) error {
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil) // IMMEDIATE: the checks below and the insert are one step
	if err != nil {
		return fmt.Errorf("store: create order: %w", err)
	}
	defer tx.Rollback()
	// First the cart's lock (PostgreSQL): the checks below then see every
	// order another instance made for this cart, the same form's included.
	if err := s.lockCart(ctx, tx, o.CartID); err != nil {
		return fmt.Errorf("store: lock cart: %w", err)
	}
	if o.CheckoutKey != "" {
		var n int
		if err := s.txQueryRow(ctx, tx, sqlCheckoutKeyUsed, o.CheckoutKey).Scan(&n); err != nil {
			return fmt.Errorf("store: check checkout key: %w", err)
		}
		if n > 0 {
			return ErrDuplicate
		}
	}
	if o.CartID != "" {
		if err := s.claimCart(ctx, tx, o.CartID, claim, now); err != nil {
			return err
		}
	}
	if err := s.holdStock(ctx, tx, o.Lines); err != nil {
		return err
	}
	o.ID, err = s.txInsertID(ctx, tx, sqlInsertOrder,
		o.Invoice, o.Ref, o.ReceiptKey, o.CheckoutKey, o.CustomerID, o.CartID, o.Mode, o.Status, o.AmountIDR,
		o.Name, o.Email, o.Phone, o.Address, o.Country, o.CardMasked, o.CardBrand, o.CardExpiry, o.CardToken, o.SaveCard,
		o.ThreeDSRequestID, o.ChargeRequestID, now.UnixMilli(), now.UnixMilli(), unixMilliOrZero(o.NextCheckAt), o.Lang)
	if isUnique(err) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: insert order: %w", err)
	}
	for _, l := range o.Lines {
		if _, err := s.txExec(ctx, tx, sqlInsertOrderLine,
			o.ID, l.ProductID, l.Name, l.PriceIDR, l.Quantity); err != nil {
			return fmt.Errorf("store: insert order line: %w", err)
		}
	}
	if _, err := s.txExec(ctx, tx, sqlInsertCreatedEvent,
		o.ID, o.Status, now.UnixMilli()); err != nil {
		return fmt.Errorf("store: insert order event: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit order: %w", err)
	}
	o.CreatedAt, o.UpdatedAt = now, now
	return nil
}

// CartBusyError: the cart already has an order whose payment is under way.
// Which states count as under way is claim.Busy.
type CartBusyError struct{ Order Order }

func (e *CartBusyError) Error() string {
	return "store: cart has an order in progress: " + e.Order.Invoice
}

// claimCart applies claim to the cart's other orders inside tx: a busy one
// refuses the new order; the others in claim.Supersede.From take that step.
func (s *Store) claimCart(ctx context.Context, tx *Tx, cartID string, claim CartClaim, now time.Time) error {
	rows, err := s.txQuery(ctx, tx, sqlCartOrders, cartID)
	if err != nil {
		return fmt.Errorf("store: check cart orders: %w", err)
	}
	var others []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Invoice, &o.Ref, &o.Status, &o.CartID); err != nil {
			rows.Close()
			return fmt.Errorf("store: scan cart order: %w", err)
		}
		others = append(others, o)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("store: check cart orders: %w", err)
	}
	for _, o := range others { // newest first
		if slices.Contains(claim.Busy, o.Status) {
			return &CartBusyError{Order: o}
		}
	}
	for _, o := range others {
		if slices.Contains(claim.Supersede.From, o.Status) {
			if _, err := s.step(ctx, tx, o.ID, o.Status, o.CartID, claim.Supersede, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Fields are the columns a step records. An empty string leaves that
// column as it is.
type Fields struct {
	ThreeDSRequestID string
	AuthID           string
	AuthURL          string
	ChargeRequestID  string
	PaymentURL       string
	PaymentExpiresAt time.Time // zero leaves it as it is
	CardMasked       string
	CardBrand        string
	ApprovalCode     string
	ECI              string
	ResponseCode     string
	ResponseMessage  string
	AuthorizeID      string
}

// Step is one conditional change of an order's status, as package payment
// decides it: the rules are payment's, the mechanism is here.
type Step struct {
	From   []Status // the order must be in one of these, or nothing happens
	To     Status
	Move   string // the lifecycle move's name, kept on the order and its event
	Reason string // recorded in order_events
	Fields
	// NextCheckAt, when not zero, is when the order is next checked with DOKU.
	NextCheckAt time.Time
	// EndChecks clears the scheduled check: the order is final.
	EndChecks bool
	// EmptyCart empties the order's cart in the same transaction.
	EmptyCart bool
	// CaptureAll records the whole amount as captured (a sale is paid).
	CaptureAll bool
	// ReleaseStock gives the order's lines back to stock (it ended unpaid).
	ReleaseStock bool
	// Action, when set, settles that money action in the same transaction
	// (see payment_actions.go); the step is void if it is not PENDING.
	Action *ActionOutcome
}

// Transition applies st to order id only if its current state is one of
// st.From, and reports whether it did. The check and the write are one
// write transaction, so two requests can never both make the same move
// (e.g. both start charging). ErrNotFound for an unknown id.
func (s *Store) Transition(ctx context.Context, id int64, st Step) (bool, error) {
	if len(st.From) == 0 {
		return false, errors.New("store: transition without a from state")
	}
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock is ours from here
	if err != nil {
		return false, fmt.Errorf("store: transition: %w", err)
	}
	defer tx.Rollback()
	var prev Status
	var cartID string
	err = s.txQueryRow(ctx, tx, sqlOrderStatus+s.forUpdate(), id).Scan(&prev, &cartID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("store: transition order %d: %w", id, err)
	}
	if !slices.Contains(st.From, prev) {
		return false, nil
	}
	moved, err := s.step(ctx, tx, id, prev, cartID, st, now)
	if err != nil || !moved {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: commit transition: %w", err)
	}
	return true, nil
}

// step writes st for order id, known to be in prev, inside tx: the update
// (conditional on prev once more), its event and its side effects.
func (s *Store) step(ctx context.Context, tx *Tx, id int64, prev Status, cartID string, st Step, now time.Time) (bool, error) {
	var next any
	if !st.NextCheckAt.IsZero() {
		next = st.NextCheckAt.UnixMilli()
	}
	f := st.Fields
	res, err := s.txExec(ctx, tx, sqlUpdateOrderState,
		st.To, st.Move, f.ThreeDSRequestID, f.AuthID, f.AuthURL, f.ChargeRequestID, f.PaymentURL, unixMilliOrZero(f.PaymentExpiresAt),
		f.CardMasked, f.CardBrand, f.ApprovalCode, f.ECI, f.ResponseCode, f.ResponseMessage,
		st.EndChecks, next, now.UnixMilli(), id, prev)
	if err != nil {
		return false, fmt.Errorf("store: transition order %d to %s: %w", id, st.To, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := s.txExec(ctx, tx, sqlInsertEvent, id, prev, st.To, st.Reason, now.UnixMilli()); err != nil {
		return false, fmt.Errorf("store: order event: %w", err)
	}
	if ok, err := s.stepExtras(ctx, tx, id, st, now); err != nil || !ok {
		return false, err
	}
	if st.EmptyCart && cartID != "" {
		if _, err := s.txExec(ctx, tx, sqlEmptyCart, cartID); err != nil {
			return false, fmt.Errorf("store: empty paid cart: %w", err)
		}
	}
	return true, nil
}

// ScheduleCheck sets when order id is next checked with DOKU, only if it is
// still in status (what the caller looked at).
func (s *Store) ScheduleCheck(ctx context.Context, id int64, status Status, at time.Time, attempts int) error {
	if _, err := s.exec(ctx, `
		UPDATE orders SET next_check_at = ?, check_attempts = ?
		WHERE id = ? AND status = ? AND next_check_at IS NOT NULL`, at.UnixMilli(), attempts, id, status); err != nil {
		return fmt.Errorf("store: schedule check: %w", err)
	}
	return nil
}

// DueChecks returns orders whose check time has come, oldest first. A
// final order has none (its step ended the checks).
func (s *Store) DueChecks(ctx context.Context, now time.Time, limit int) ([]Order, error) {
	return s.orders(ctx, `WHERE next_check_at IS NOT NULL AND next_check_at <= ?
		ORDER BY next_check_at LIMIT ?`, now.UnixMilli(), limit)
}

// OrderByRef finds an order by its unguessable reference.
func (s *Store) OrderByRef(ctx context.Context, ref string) (Order, error) {
	return s.order(ctx, `WHERE ref = ?`, ref)
}

// OrderByInvoice finds an order by invoice number.
func (s *Store) OrderByInvoice(ctx context.Context, invoice string) (Order, error) {
	return s.orderCache.get(invoice, func() (Order, error) { return s.order(ctx, `WHERE invoice = ?`, invoice) })
}

// OrderByCheckoutKey finds the order a checkout form created.
func (s *Store) OrderByCheckoutKey(ctx context.Context, key string) (Order, error) {
	return s.order(ctx, `WHERE checkout_key = ?`, key)
}

// OrderByID finds an order by id.
func (s *Store) OrderByID(ctx context.Context, id int64) (Order, error) {
	return s.order(ctx, `WHERE id = ?`, id)
}

// OrdersByCustomer lists a customer's orders, newest first, without lines.
func (s *Store) OrdersByCustomer(ctx context.Context, customerID int64) ([]Order, error) {
	return s.orders(ctx, `WHERE customer_id = ? ORDER BY id DESC LIMIT 200`, customerID)
}

// LatestOrderByCustomer is the customer's most recent order.
func (s *Store) LatestOrderByCustomer(ctx context.Context, customerID int64) (Order, error) {
	return s.order(ctx, `WHERE customer_id = ? ORDER BY id DESC LIMIT 1`, customerID)
}

func (s *Store) order(ctx context.Context, where string, arg any) (Order, error) {
	list, err := s.orders(ctx, where, arg)
	if err != nil {
		return Order{}, err
	}
	if len(list) == 0 {
		return Order{}, ErrNotFound
	}
	o := list[0]
	if o.Lines, err = s.orderLines(ctx, o.ID); err != nil {
		return Order{}, err
	}
	return o, nil
}

const orderColumns = `id, invoice, ref, receipt_key, COALESCE(checkout_key, ''), COALESCE(customer_id, 0), cart_id, mode, status, last_move,
	amount_idr, name, email, phone, address, country, card_masked, card_brand, card_expiry, card_token, save_card,
	threeds_request_id, auth_id, auth_url, charge_request_id, payment_url, payment_expires_at, approval_code, eci, response_code,
	response_message, created_at, updated_at, COALESCE(next_check_at, 0), check_attempts, authorize_id, captured_idr, refunded_idr, lang`

func (s *Store) orders(ctx context.Context, where string, args ...any) ([]Order, error) {
	rows, err := s.query(ctx, `SELECT `+orderColumns+` FROM orders `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: orders: %w", err)
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		var created, updated, next, expires int64
		if err := rows.Scan(&o.ID, &o.Invoice, &o.Ref, &o.ReceiptKey, &o.CheckoutKey, &o.CustomerID, &o.CartID, &o.Mode, &o.Status, &o.LastMove,
			&o.AmountIDR, &o.Name, &o.Email, &o.Phone, &o.Address, &o.Country, &o.CardMasked, &o.CardBrand,
			&o.CardExpiry, &o.CardToken, &o.SaveCard, &o.ThreeDSRequestID, &o.AuthID, &o.AuthURL,
			&o.ChargeRequestID, &o.PaymentURL, &expires, &o.ApprovalCode, &o.ECI, &o.ResponseCode, &o.ResponseMessage,
			&created, &updated, &next, &o.CheckAttempts, &o.AuthorizeID, &o.CapturedIDR, &o.RefundedIDR, &o.Lang); err != nil {
			return nil, fmt.Errorf("store: scan order: %w", err)
		}
		o.CreatedAt, o.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
		if next != 0 {
			o.NextCheckAt = time.UnixMilli(next)
		}
		if expires != 0 {
			o.PaymentExpiresAt = time.UnixMilli(expires)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (s *Store) orderLines(ctx context.Context, orderID int64) ([]OrderLine, error) {
	rows, err := s.query(ctx, `
		SELECT product_id, name, price_idr, quantity FROM order_lines WHERE order_id = ? ORDER BY rowid`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: order lines: %w", err)
	}
	defer rows.Close()
	var out []OrderLine
	for rows.Next() {
		var l OrderLine
		if err := rows.Scan(&l.ProductID, &l.Name, &l.PriceIDR, &l.Quantity); err != nil {
			return nil, fmt.Errorf("store: scan order line: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Event is one recorded state change.
type Event struct {
	From, To Status
	Reason   string
	At       time.Time
}

// OrderEvents lists an order's state changes in order.
func (s *Store) OrderEvents(ctx context.Context, orderID int64) ([]Event, error) {
	rows, err := s.query(ctx, `
		SELECT from_status, to_status, reason, at FROM order_events WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: order events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.From, &e.To, &e.Reason, &at); err != nil {
			return nil, fmt.Errorf("store: scan event: %w", err)
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func unixMilliOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
