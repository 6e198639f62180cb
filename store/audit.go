package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one change made in the back office: who, what, on what,
// when, and the value before and after (JSON, never a secret).
type AuditEntry struct {
	ID         int64
	StaffID    int64
	StaffEmail string
	Action     string // e.g. "order.refund", "product.update"
	Target     string // e.g. "order:INV-…", "product:12"
	Before     string
	After      string
	At         time.Time
}

// Audit appends e to the audit record.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if _, err := s.exec(ctx, `INSERT INTO audit_log (staff_id, staff_email, action, target, before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.StaffID, e.StaffEmail, e.Action, e.Target, e.Before, e.After, s.now().UnixMilli()); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditLog lists the audit entries for target ("" for all), newest first.
func (s *Store) AuditLog(ctx context.Context, target string, limit int) ([]AuditEntry, error) {
	rows, err := s.query(ctx, `SELECT id, staff_id, staff_email, action, target, before, after, at FROM audit_log
		WHERE ? = '' OR target = ? ORDER BY id DESC LIMIT ?`, target, target, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &e.StaffID, &e.StaffEmail, &e.Action, &e.Target, &e.Before, &e.After, &at); err != nil {
			return nil, fmt.Errorf("store: scan audit: %w", err)
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
