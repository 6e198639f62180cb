package staff

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"doku-checkout/store"
)

// An owner's optional second factor: TOTP (RFC 6238) codes from an
// authenticator app, through github.com/pquerna/otp. The secret is set up
// pending, takes effect once a current code confirms it, and is never shown
// again. A code is accepted once: the store remembers the last time step
// used.

// totpPeriod is the seconds a code lasts; with SHA-1 and 6 digits, the
// parameters every authenticator app reads from an otpauth:// URL.
const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Errors of a second-factor code, as a person fixes them.
var (
	ErrBadCode    = errors.New("the code is not right: type the 6 digits your app shows now")
	ErrCodeUsed   = errors.New("this code was used already: wait for the next one")
	ErrNoTOTP     = errors.New("two-step login is not set up for this account")
	ErrTOTPIsOn   = errors.New("two-step login is on already")
	ErrNoTOTPNext = errors.New("start the setup again: a newer one replaced this one")
)

// TOTPSetup is what an owner adds to their app while setting up: the
// secret as text and the otpauth:// URL (shown as a QR code).
type TOTPSetup struct {
	Secret string
	URL    string
}

// StartTOTP gives acct a new pending secret (replacing any earlier one)
// named for issuer (the shop) and acct's email.
func StartTOTP(ctx context.Context, st *store.Store, acct store.Staff, issuer string) (TOTPSetup, error) {
	if acct.TOTPSecret != "" {
		return TOTPSetup{}, ErrTOTPIsOn
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: acct.Email, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("staff: totp secret: %w", err)
	}
	if err := st.SetStaffTOTPPending(ctx, acct.ID, key.Secret()); err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// PendingTOTP returns acct's setup in progress; ok is false when none is.
func PendingTOTP(ctx context.Context, st *store.Store, acct store.Staff, issuer string) (setup TOTPSetup, ok bool, err error) {
	if acct.TOTPSecret != "" {
		return TOTPSetup{}, false, nil
	}
	secret, err := st.StaffTOTPPending(ctx, acct.ID)
	if err != nil || secret == "" {
		return TOTPSetup{}, false, err
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return TOTPSetup{}, false, fmt.Errorf("staff: pending totp secret: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: acct.Email, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Secret: raw})
	if err != nil {
		return TOTPSetup{}, false, fmt.Errorf("staff: pending totp: %w", err)
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, true, nil
}

// QRCode renders an otpauth:// URL as a PNG QR code of size pixels.
func QRCode(url string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return nil, fmt.Errorf("staff: qr code: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("staff: qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("staff: qr code: %w", err)
	}
	return buf.Bytes(), nil
}

// EnableTOTP turns acct's pending secret on if code is current for it.
func EnableTOTP(ctx context.Context, st *store.Store, acct store.Staff, code string, now time.Time) error {
	if acct.TOTPSecret != "" {
		return ErrTOTPIsOn
	}
	secret, err := st.StaffTOTPPending(ctx, acct.ID)
	if err != nil {
		return err
	}
	if secret == "" {
		return ErrNoTOTPNext
	}
	step, ok := matchStep(secret, code, now)
	if !ok {
		return ErrBadCode
	}
	if err := st.EnableStaffTOTP(ctx, acct.ID, secret, step); errors.Is(err, store.ErrTOTPChanged) {
		return ErrNoTOTPNext
	} else if err != nil {
		return err
	}
	return nil
}

// DisableTOTP turns acct's second factor off if code is current (and not
// used before).
func DisableTOTP(ctx context.Context, st *store.Store, acct store.Staff, code string, now time.Time) error {
	if err := CheckTOTP(ctx, st, acct, code, now); err != nil {
		return err
	}
	return st.DisableStaffTOTP(ctx, acct.ID)
}

// CheckTOTP accepts code for acct if it is current and its time step is
// later than the last one accepted: ErrBadCode, or ErrCodeUsed for a
// replay.
func CheckTOTP(ctx context.Context, st *store.Store, acct store.Staff, code string, now time.Time) error {
	if acct.TOTPSecret == "" {
		return ErrNoTOTP
	}
	step, ok := matchStep(acct.TOTPSecret, code, now)
	if !ok {
		return ErrBadCode
	}
	if err := st.UseStaffTOTPStep(ctx, acct.ID, step); errors.Is(err, store.ErrTOTPUsed) {
		return ErrCodeUsed
	} else if err != nil {
		return err
	}
	return nil
}

// matchStep returns the time step whose code is code: now's, or one step
// either side (a clock a little off, a code typed as it turned).
func matchStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for step := cur + 1; step >= cur-1; step-- {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}
