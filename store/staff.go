package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Staff roles. An owner may do everything; staff handle orders and products
// but move no money and change no settings or accounts.
const (
	RoleOwner = "owner"
	RoleStaff = "staff"
)

// Staff is a back-office account, apart from the shop's customers.
type Staff struct {
	ID           int64
	Email        string
	Role         string
	PasswordHash string
	TOTPSecret   string
	CreatedAt    time.Time
	Disabled     bool
}

// CreateStaff inserts a staff account. ErrDuplicate when the email is taken.
func (s *Store) CreateStaff(ctx context.Context, st *Staff) error {
	now := s.now()
	id, err := s.insertID(ctx, s.w, `INSERT INTO staff (email, role, password_hash, created_at) VALUES (?, ?, ?, ?)`,
		st.Email, st.Role, st.PasswordHash, now.UnixMilli())
	if isUnique(err) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: create staff: %w", err)
	}
	st.ID = id
	st.CreatedAt = now
	return nil
}

const staffColumns = `id, email, role, password_hash, totp_secret, created_at, disabled_at IS NOT NULL`

func scanStaff(row interface{ Scan(...any) error }) (Staff, error) {
	var st Staff
	var created int64
	err := row.Scan(&st.ID, &st.Email, &st.Role, &st.PasswordHash, &st.TOTPSecret, &created, &st.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return Staff{}, ErrNotFound
	}
	if err != nil {
		return Staff{}, fmt.Errorf("store: staff: %w", err)
	}
	st.CreatedAt = time.UnixMilli(created)
	return st, nil
}

// StaffByEmail finds an enabled staff account by email (case-insensitive).
func (s *Store) StaffByEmail(ctx context.Context, email string) (Staff, error) {
	return scanStaff(s.queryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE email = ? AND disabled_at IS NULL`, email))
}

// StaffByID finds a staff account by id.
func (s *Store) StaffByID(ctx context.Context, id int64) (Staff, error) {
	return scanStaff(s.queryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = ?`, id))
}

// StaffList lists every staff account, oldest first.
func (s *Store) StaffList(ctx context.Context) ([]Staff, error) {
	rows, err := s.query(ctx, `SELECT `+staffColumns+` FROM staff ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: staff list: %w", err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// HasOwner reports whether an enabled owner account exists.
func (s *Store) HasOwner(ctx context.Context) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM staff WHERE role = 'owner' AND disabled_at IS NULL`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: has owner: %w", err)
	}
	return n > 0, nil
}

// CreateFirstOwner inserts st as an owner only while no owner exists, in
// one write transaction: two setup links used at once make one owner.
// ErrDuplicate when an owner exists already.
func (s *Store) CreateFirstOwner(ctx context.Context, st *Staff) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: first owner: %w", err)
	}
	defer tx.Rollback()
	if err := s.lockTable(ctx, tx, "staff"); err != nil { // two setup links at once make one owner
		return fmt.Errorf("store: first owner: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff WHERE role = 'owner'`).Scan(&n); err != nil {
		return fmt.Errorf("store: first owner: %w", err)
	}
	if n > 0 {
		return ErrDuplicate
	}
	now := s.now()
	id, err := s.insertID(ctx, tx, `INSERT INTO staff (email, role, password_hash, created_at) VALUES (?, 'owner', ?, ?)`,
		st.Email, st.PasswordHash, now.UnixMilli())
	if isUnique(err) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: first owner: %w", err)
	}
	st.ID = id
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, SettingSetupToken); err != nil {
		return fmt.Errorf("store: drop setup token: %w", err)
	}
	st.Role, st.CreatedAt = RoleOwner, now
	return tx.Commit()
}

// SettingSetupToken is the settings key of the one-time setup link's token
// hash, kept while no owner exists.
const SettingSetupToken = "admin_setup_token_sha256"

// SetStaffDisabled disables or enables a staff account; disabling ends its
// sessions.
func (s *Store) SetStaffDisabled(ctx context.Context, id int64, disabled bool) error {
	var at any
	if disabled {
		at = s.now().UnixMilli()
	}
	if _, err := s.exec(ctx, `UPDATE staff SET disabled_at = ? WHERE id = ?`, at, id); err != nil {
		return fmt.Errorf("store: disable staff: %w", err)
	}
	if disabled {
		if _, err := s.exec(ctx, `DELETE FROM staff_sessions WHERE staff_id = ?`, id); err != nil {
			return fmt.Errorf("store: end staff sessions: %w", err)
		}
	}
	return nil
}

// SetStaffPassword replaces a staff account's password hash.
func (s *Store) SetStaffPassword(ctx context.Context, id int64, hash string) error {
	if _, err := s.exec(ctx, `UPDATE staff SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
		return fmt.Errorf("store: staff password: %w", err)
	}
	return nil
}

// TokenHash is how a secret token is kept: its SHA-256, in hex.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateStaffSession records a new session for the token's hash.
func (s *Store) CreateStaffSession(ctx context.Context, token string, staffID int64) error {
	now := s.now().UnixMilli()
	if _, err := s.exec(ctx, `INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)`,
		TokenHash(token), staffID, now, now); err != nil {
		return fmt.Errorf("store: create staff session: %w", err)
	}
	return nil
}

// StaffSession is a live back-office session.
type StaffSession struct {
	StaffID    int64
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// StaffSessionByToken returns the session of token, or ErrNotFound.
func (s *Store) StaffSessionByToken(ctx context.Context, token string) (StaffSession, error) {
	var ss StaffSession
	var created, seen int64
	err := s.queryRow(ctx, `SELECT staff_id, created_at, last_seen_at FROM staff_sessions WHERE token_hash = ?`, TokenHash(token)).
		Scan(&ss.StaffID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return StaffSession{}, ErrNotFound
	}
	if err != nil {
		return StaffSession{}, fmt.Errorf("store: staff session: %w", err)
	}
	ss.CreatedAt, ss.LastSeenAt = time.UnixMilli(created), time.UnixMilli(seen)
	return ss, nil
}

// TouchStaffSession records that the session was used now.
func (s *Store) TouchStaffSession(ctx context.Context, token string) error {
	if _, err := s.exec(ctx, `UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?`, s.now().UnixMilli(), TokenHash(token)); err != nil {
		return fmt.Errorf("store: touch staff session: %w", err)
	}
	return nil
}

// DeleteStaffSession ends the session of token.
func (s *Store) DeleteStaffSession(ctx context.Context, token string) error {
	if _, err := s.exec(ctx, `DELETE FROM staff_sessions WHERE token_hash = ?`, TokenHash(token)); err != nil {
		return fmt.Errorf("store: delete staff session: %w", err)
	}
	return nil
}

// SetSetting stores value under key, replacing any value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if _, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}
