package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Money action kinds and statuses (payment/actions.go owns their rules).
const (
	ActionCapture = "capture"
	ActionVoid    = "void"
	ActionRefund  = "refund"

	ActionPending = "PENDING"
	ActionSuccess = "SUCCESS"
	ActionFailed  = "FAILED"
)

// PaymentAction is one capture, void or refund of an order.
type PaymentAction struct {
	ID            int64
	OrderID       int64
	Kind          string
	AmountIDR     int64
	RequestID     string
	FormKey       string
	Status        string
	StaffID       int64
	StaffEmail    string
	ResponseCode  string
	Reason        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	NextCheckAt   time.Time
	CheckAttempts int
}

// ActionClaim is a money action as package payment decides it may be
// claimed: the store checks it against the order and its other actions and
// inserts it PENDING, in one write transaction, so concurrent actions on
// one order are serialised and none can spend what another reserved.
type ActionClaim struct {
	Action PaymentAction
	// From: the order must be in one of these statuses.
	From []Status
	// Exclusive: no action of these kinds may be PENDING or SUCCESS.
	Exclusive []string
	// CeilingCaptured bounds the kind's PENDING and SUCCESS actions, this one
	// included, by the captured amount; otherwise by the order's amount.
	CeilingCaptured bool
}

// Claim errors.
var (
	// ErrActionNotAllowed: the order is not in a status (or state) for it.
	ErrActionNotAllowed = errors.New("store: action not allowed on this order now")
	// ErrActionOverLimit: the amount exceeds what is left.
	ErrActionOverLimit = errors.New("store: action amount over what is left")
)

// DuplicateActionError: the form key was used; Action is the first action.
type DuplicateActionError struct{ Action PaymentAction }

func (e *DuplicateActionError) Error() string { return "store: action form sent twice" }

// ClaimAction inserts the claim's action PENDING if the order and its
// other actions allow it, and returns it with its id.
func (s *Store) ClaimAction(ctx context.Context, c ActionClaim) (PaymentAction, error) {
	a := c.Action
	now := s.now()
	tx, err := s.w.BeginTx(ctx, nil) // IMMEDIATE: one claim at a time
	if err != nil {
		return a, fmt.Errorf("store: claim action: %w", err)
	}
	defer tx.Rollback()
	if a.FormKey != "" {
		prev, err := scanAction(tx.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM payment_actions WHERE form_key = ?`, a.FormKey))
		if err == nil {
			return prev, &DuplicateActionError{Action: prev}
		} else if !errors.Is(err, ErrNotFound) {
			return a, err
		}
	}
	var status Status
	var amount, captured int64
	err = tx.QueryRowContext(ctx, `SELECT status, amount_idr, captured_idr FROM orders WHERE id = ?`+s.forUpdate(), a.OrderID).Scan(&status, &amount, &captured)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	} else if err != nil {
		return a, fmt.Errorf("store: claim action: %w", err)
	}
	if !slices.Contains(c.From, status) {
		return a, ErrActionNotAllowed
	}
	rows, err := tx.QueryContext(ctx, `SELECT kind, amount_idr FROM payment_actions WHERE order_id = ? AND status IN ('PENDING', 'SUCCESS')`, a.OrderID)
	if err != nil {
		return a, fmt.Errorf("store: claim action: %w", err)
	}
	var spent int64
	exclusive := false
	for rows.Next() {
		var kind string
		var amt int64
		if err := rows.Scan(&kind, &amt); err != nil {
			rows.Close()
			return a, fmt.Errorf("store: claim action: %w", err)
		}
		exclusive = exclusive || slices.Contains(c.Exclusive, kind)
		if kind == a.Kind {
			spent += amt
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return a, fmt.Errorf("store: claim action: %w", err)
	}
	if exclusive {
		return a, ErrActionNotAllowed
	}
	ceiling := amount
	if c.CeilingCaptured {
		ceiling = captured
	}
	if a.AmountIDR <= 0 || spent+a.AmountIDR > ceiling {
		return a, ErrActionOverLimit
	}
	a.ID, err = s.insertID(ctx, tx, `INSERT INTO payment_actions (order_id, kind, amount_idr, request_id, form_key, status, staff_id, staff_email,
		created_at, updated_at, next_check_at) VALUES (?, ?, ?, ?, NULLIF(?, ''), 'PENDING', ?, ?, ?, ?, ?)`,
		a.OrderID, a.Kind, a.AmountIDR, a.RequestID, a.FormKey, a.StaffID, a.StaffEmail, now.UnixMilli(), now.UnixMilli(), unixMilliOrNil(a.NextCheckAt))
	if err != nil {
		return a, fmt.Errorf("store: insert action: %w", err)
	}
	a.Status, a.CreatedAt, a.UpdatedAt = ActionPending, now, now
	return a, tx.Commit()
}

// ActionOutcome settles a PENDING action inside an order's step.
type ActionOutcome struct {
	ID           int64
	Kind         string
	AmountIDR    int64
	ResponseCode string
	Reason       string
}

// stepExtras writes the step's back-office columns and settles its action
// inside tx; false when the action was no longer PENDING (settled by
// another request), which voids the whole step.
func (s *Store) stepExtras(ctx context.Context, tx *Tx, id int64, st Step, now time.Time) (bool, error) {
	if st.AuthorizeID != "" || st.CaptureAll {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET authorize_id = COALESCE(NULLIF(?, ''), authorize_id),
			captured_idr = CASE WHEN ? THEN amount_idr ELSE captured_idr END WHERE id = ?`, st.AuthorizeID, st.CaptureAll, id); err != nil {
			return false, fmt.Errorf("store: step extras: %w", err)
		}
	}
	if st.ReleaseStock {
		if err := s.releaseStock(ctx, tx, id); err != nil {
			return false, err
		}
	}
	a := st.Action
	if a == nil {
		return true, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE payment_actions SET status = 'SUCCESS', response_code = ?, reason = ?, updated_at = ?, next_check_at = NULL
		WHERE id = ? AND order_id = ? AND status = 'PENDING'`, a.ResponseCode, a.Reason, now.UnixMilli(), a.ID, id)
	if err != nil {
		return false, fmt.Errorf("store: settle action: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	var col string
	switch a.Kind {
	case ActionCapture:
		col = "captured_idr"
	case ActionRefund:
		col = "refunded_idr"
	default:
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET `+col+` = `+col+` + ? WHERE id = ?`, a.AmountIDR, id); err != nil {
		return false, fmt.Errorf("store: action total: %w", err)
	}
	return true, nil
}

// FailAction marks a PENDING action FAILED (DOKU refused it: no money
// moved) and reports whether it was still PENDING.
func (s *Store) FailAction(ctx context.Context, id int64, code, reason string) (bool, error) {
	res, err := s.exec(ctx, `UPDATE payment_actions SET status = 'FAILED', response_code = ?, reason = ?, updated_at = ?, next_check_at = NULL
		WHERE id = ? AND status = 'PENDING'`, code, reason, s.now().UnixMilli(), id)
	if err != nil {
		return false, fmt.Errorf("store: fail action: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ScheduleActionCheck sets when a PENDING action is next sent again.
func (s *Store) ScheduleActionCheck(ctx context.Context, id int64, at time.Time, attempts int, reason string) error {
	if _, err := s.exec(ctx, `UPDATE payment_actions SET next_check_at = ?, check_attempts = ?, reason = ?, updated_at = ?
		WHERE id = ? AND status = 'PENDING'`, at.UnixMilli(), attempts, reason, s.now().UnixMilli(), id); err != nil {
		return fmt.Errorf("store: schedule action check: %w", err)
	}
	return nil
}

const actionColumns = `id, order_id, kind, amount_idr, request_id, COALESCE(form_key, ''), status, staff_id, staff_email,
	response_code, reason, created_at, updated_at, COALESCE(next_check_at, 0), check_attempts`

func scanAction(row interface{ Scan(...any) error }) (PaymentAction, error) {
	var a PaymentAction
	var created, updated, next int64
	err := row.Scan(&a.ID, &a.OrderID, &a.Kind, &a.AmountIDR, &a.RequestID, &a.FormKey, &a.Status, &a.StaffID, &a.StaffEmail,
		&a.ResponseCode, &a.Reason, &created, &updated, &next, &a.CheckAttempts)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: scan action: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	if next != 0 {
		a.NextCheckAt = time.UnixMilli(next)
	}
	return a, nil
}

func (s *Store) actions(ctx context.Context, where string, args ...any) ([]PaymentAction, error) {
	rows, err := s.query(ctx, `SELECT `+actionColumns+` FROM payment_actions `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: actions: %w", err)
	}
	defer rows.Close()
	var out []PaymentAction
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// OrderActions lists an order's money actions, oldest first.
func (s *Store) OrderActions(ctx context.Context, orderID int64) ([]PaymentAction, error) {
	return s.actions(ctx, `WHERE order_id = ? ORDER BY id`, orderID)
}

// ActionByID returns one action.
func (s *Store) ActionByID(ctx context.Context, id int64) (PaymentAction, error) {
	list, err := s.actions(ctx, `WHERE id = ?`, id)
	if err != nil {
		return PaymentAction{}, err
	}
	if len(list) == 0 {
		return PaymentAction{}, ErrNotFound
	}
	return list[0], nil
}

// DueActions lists PENDING actions whose check time has come.
func (s *Store) DueActions(ctx context.Context, now time.Time, limit int) ([]PaymentAction, error) {
	return s.actions(ctx, `WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`, now.UnixMilli(), limit)
}

// PendingActions lists the PENDING actions of an order.
func (s *Store) PendingActions(ctx context.Context, orderID int64) ([]PaymentAction, error) {
	return s.actions(ctx, `WHERE order_id = ? AND status = 'PENDING' ORDER BY id`, orderID)
}

func unixMilliOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}
