package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// OrderFilter selects orders for the back office's list and export.
type OrderFilter struct {
	Status   Status    // "" for every status
	From, To time.Time // created in [From, To); zero for no bound
	Q        string    // an invoice, an email, or part of a name
	BeforeID int64     // keyset: orders older than this id; 0 from the newest
	Limit    int       // 0 for no limit (the export)
}

// where is the filter as SQL conditions and their arguments.
func (f OrderFilter) where(pg bool) (string, []any) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "created_at >= ?"), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "created_at < ?"), append(args, f.To.UnixMilli())
	}
	// One kind of search per query, so an invoice or an e-mail is found
	// through its index; only part of a name reads every order.
	switch q := strings.TrimSpace(f.Q); {
	case q == "":
	case strings.HasPrefix(strings.ToUpper(q), "INV-"):
		conds, args = append(conds, "invoice = ?"), append(args, strings.ToUpper(q))
	case strings.Contains(q, "@") && pg:
		conds, args = append(conds, "lower(email) = lower(?)"), append(args, q)
	case strings.Contains(q, "@"):
		conds, args = append(conds, "email = ? COLLATE NOCASE"), append(args, q)
	default:
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
		if pg { // no NOCASE collation there; LIKE is case-sensitive
			conds = append(conds, `name ILIKE ? ESCAPE '\'`)
		} else {
			conds = append(conds, `name LIKE ? ESCAPE '\'`)
		}
		args = append(args, like)
	}
	if f.BeforeID > 0 {
		conds, args = append(conds, "id < ?"), append(args, f.BeforeID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// AdminOrders lists orders matching f, newest first, without lines. The
// next page is f with BeforeID set to the last order's id.
func (s *Store) AdminOrders(ctx context.Context, f OrderFilter) ([]Order, error) {
	where, args := f.where(s.pg)
	q := where + " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return s.orders(ctx, q, args...)
}

// EachAdminOrder calls fn for every order matching f, newest first, in
// pages, so an export of any size holds one page in memory.
func (s *Store) EachAdminOrder(ctx context.Context, f OrderFilter, fn func(Order) error) error {
	f.Limit = 1000
	for {
		page, err := s.AdminOrders(ctx, f)
		if err != nil {
			return err
		}
		for _, o := range page {
			if err := fn(o); err != nil {
				return err
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.BeforeID = page[len(page)-1].ID
	}
}

// Takings are the money taken by orders created in a period.
type Takings struct {
	Count    int
	TotalIDR int64 // captured, less refunded
}

// TakingsSince sums the orders created since t that took money.
func (s *Store) TakingsSince(ctx context.Context, t time.Time) (Takings, error) {
	var out Takings
	if err := s.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(captured_idr - refunded_idr), 0) FROM orders
		WHERE created_at >= ? AND captured_idr > 0`, t.UnixMilli()).Scan(&out.Count, &out.TotalIDR); err != nil {
		return out, fmt.Errorf("store: takings: %w", err)
	}
	return out, nil
}

// OrdersNeedingAttention lists, newest first, the orders in one of
// statuses and those with a money action still PENDING.
func (s *Store) OrdersNeedingAttention(ctx context.Context, statuses []Status, limit int) ([]Order, error) {
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ")
	args := make([]any, 0, len(statuses)+1)
	for _, st := range statuses {
		args = append(args, st)
	}
	args = append(args, limit)
	return s.orders(ctx, `WHERE status IN (`+ph+`) OR id IN (SELECT order_id FROM payment_actions WHERE status = 'PENDING')
		ORDER BY id DESC LIMIT ?`, args...)
}
