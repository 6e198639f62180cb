package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// An owner's TOTP second factor (013_staff_totp.sql). The store keeps the
// secrets and the last accepted time step; staff/totp.go checks codes.

// ErrTOTPUsed is returned when a code's time step (or a later one) was
// accepted already: the code is a replay.
var ErrTOTPUsed = errors.New("store: totp step used already")

// ErrTOTPChanged is returned when the secret being confirmed is no longer
// the one being set up (another setup started, or one was enabled).
var ErrTOTPChanged = errors.New("store: totp setup changed")

// SetStaffTOTPPending keeps secret as id's TOTP secret being set up,
// replacing any earlier one. It takes effect only through EnableStaffTOTP.
func (s *Store) SetStaffTOTPPending(ctx context.Context, id int64, secret string) error {
	if _, err := s.exec(ctx, `UPDATE staff SET totp_pending = ? WHERE id = ? AND totp_secret = ''`, secret, id); err != nil {
		return fmt.Errorf("store: staff totp pending: %w", err)
	}
	return nil
}

// StaffTOTPPending returns id's TOTP secret being set up ("" for none).
func (s *Store) StaffTOTPPending(ctx context.Context, id int64) (string, error) {
	var secret string
	err := s.queryRow(ctx, `SELECT totp_pending FROM staff WHERE id = ?`, id).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: staff totp pending: %w", err)
	}
	return secret, nil
}

// EnableStaffTOTP makes pending id's TOTP secret, step its last used time
// step, in one conditional update: only while pending is still the one
// being set up and none is enabled. ErrTOTPChanged otherwise.
func (s *Store) EnableStaffTOTP(ctx context.Context, id int64, pending string, step int64) error {
	res, err := s.exec(ctx, `UPDATE staff SET totp_secret = totp_pending, totp_pending = '', totp_last_step = ?
		WHERE id = ? AND totp_pending = ? AND totp_pending <> '' AND totp_secret = ''`, step, id, pending)
	if err != nil {
		return fmt.Errorf("store: enable staff totp: %w", err)
	}
	return oneRow(res, "enable staff totp", ErrTOTPChanged)
}

// DisableStaffTOTP forgets id's TOTP secret (and any being set up).
func (s *Store) DisableStaffTOTP(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE staff SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: disable staff totp: %w", err)
	}
	return nil
}

// UseStaffTOTPStep records that a code of time step step was accepted for
// id, only if no code of this step or a later one was: one conditional
// update, so the same code sent twice, to any instance, is accepted once.
// ErrTOTPUsed when step was used already.
func (s *Store) UseStaffTOTPStep(ctx context.Context, id, step int64) error {
	res, err := s.exec(ctx, `UPDATE staff SET totp_last_step = ? WHERE id = ? AND totp_secret <> '' AND totp_last_step < ?`, step, id, step)
	if err != nil {
		return fmt.Errorf("store: use staff totp step: %w", err)
	}
	return oneRow(res, "use staff totp step", ErrTOTPUsed)
}

// CreateStaffChallenge records a login waiting for its code, under the
// token's hash, and drops challenges older than maxAge.
func (s *Store) CreateStaffChallenge(ctx context.Context, token string, staffID int64, maxAge time.Duration) error {
	now := s.now()
	if _, err := s.exec(ctx, `DELETE FROM staff_login_challenges WHERE created_at < ?`, now.Add(-maxAge).UnixMilli()); err != nil {
		return fmt.Errorf("store: prune staff challenges: %w", err)
	}
	if _, err := s.exec(ctx, `INSERT INTO staff_login_challenges (token_hash, staff_id, created_at) VALUES (?, ?, ?)`,
		TokenHash(token), staffID, now.UnixMilli()); err != nil {
		return fmt.Errorf("store: create staff challenge: %w", err)
	}
	return nil
}

// StaffChallenge returns the account of token's login challenge if it is
// younger than maxAge; ErrNotFound otherwise.
func (s *Store) StaffChallenge(ctx context.Context, token string, maxAge time.Duration) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT staff_id FROM staff_login_challenges WHERE token_hash = ? AND created_at >= ?`,
		TokenHash(token), s.now().Add(-maxAge).UnixMilli()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: staff challenge: %w", err)
	}
	return id, nil
}

// DeleteStaffChallenge ends token's login challenge.
func (s *Store) DeleteStaffChallenge(ctx context.Context, token string) error {
	if _, err := s.exec(ctx, `DELETE FROM staff_login_challenges WHERE token_hash = ?`, TokenHash(token)); err != nil {
		return fmt.Errorf("store: delete staff challenge: %w", err)
	}
	return nil
}

// oneRow is nil when res changed one row, refused when it changed none.
func oneRow(res sql.Result, what string, refused error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n != 1 {
		return refused
	}
	return nil
}
