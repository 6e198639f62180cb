// Package staff owns the back office's accounts: the password rules, how a
// password is kept, the first owner (from the command line or a one-time
// setup link) and the check at login. It knows nothing of HTTP.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"doku-checkout/store"
)

// Password limits: long enough to resist guessing, and bcrypt reads at
// most 72 bytes (a longer one would be cut silently).
const (
	MinPasswordLen = 12
	MaxPasswordLen = 72
)

// hashCost is bcrypt's work factor; tests lower it.
var hashCost = 12

// Errors of account input, as a person fixes them.
var (
	ErrBadEmail    = errors.New("enter an email address like name@example.com")
	ErrBadPassword = fmt.Errorf("choose a password of %d to %d characters", MinPasswordLen, MaxPasswordLen)
	ErrBadRole     = errors.New("the role is owner or staff")
	ErrEmailTaken  = errors.New("an account with this email exists already")
	ErrOwnerExists = errors.New("an owner exists already: log in, or ask the owner to add you")
	ErrBadLogin    = errors.New("the email or password is not right")
	ErrBadToken    = errors.New("this setup link is not valid (any more)")
)

// CheckEmail normalises and checks an email address.
func CheckEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 128 {
		return "", ErrBadEmail
	}
	return email, nil
}

// CheckPassword applies the password rules.
func CheckPassword(pw string) error {
	if len(pw) < MinPasswordLen || len(pw) > MaxPasswordLen {
		return ErrBadPassword
	}
	return nil
}

// Hash returns the bcrypt hash of pw.
func Hash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), hashCost)
	if err != nil {
		return "", fmt.Errorf("staff: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash keeps a login for an unknown email as slow as one for a known
// email, so timing does not reveal who has an account.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password at all"), bcrypt.MinCost)

// Create adds an account with role after checking its input.
func Create(ctx context.Context, st *store.Store, email, password, role string) (store.Staff, error) {
	email, err := CheckEmail(email)
	if err != nil {
		return store.Staff{}, err
	}
	if err := CheckPassword(password); err != nil {
		return store.Staff{}, err
	}
	if role != store.RoleOwner && role != store.RoleStaff {
		return store.Staff{}, ErrBadRole
	}
	hash, err := Hash(password)
	if err != nil {
		return store.Staff{}, err
	}
	a := store.Staff{Email: email, Role: role, PasswordHash: hash}
	if err := st.CreateStaff(ctx, &a); errors.Is(err, store.ErrDuplicate) {
		return store.Staff{}, ErrEmailTaken
	} else if err != nil {
		return store.Staff{}, err
	}
	return a, nil
}

// CreateFirstOwner adds the first owner; ErrOwnerExists once there is one.
func CreateFirstOwner(ctx context.Context, st *store.Store, email, password string) (store.Staff, error) {
	email, err := CheckEmail(email)
	if err != nil {
		return store.Staff{}, err
	}
	if err := CheckPassword(password); err != nil {
		return store.Staff{}, err
	}
	hash, err := Hash(password)
	if err != nil {
		return store.Staff{}, err
	}
	a := store.Staff{Email: email, PasswordHash: hash}
	if err := st.CreateFirstOwner(ctx, &a); errors.Is(err, store.ErrDuplicate) {
		if ok, _ := st.HasOwner(ctx); ok {
			return store.Staff{}, ErrOwnerExists
		}
		return store.Staff{}, ErrEmailTaken
	} else if err != nil {
		return store.Staff{}, err
	}
	return a, nil
}

// Authenticate checks an email and password; ErrBadLogin when either is
// wrong (which one is not said).
func Authenticate(ctx context.Context, st *store.Store, email, password string) (store.Staff, error) {
	a, err := st.StaffByEmail(ctx, strings.TrimSpace(email))
	hash := dummyHash
	if err == nil {
		hash = []byte(a.PasswordHash)
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Staff{}, err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		return store.Staff{}, ErrBadLogin
	}
	return a, nil
}

// NewToken returns 32 random bytes in hex: session and setup tokens.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("staff: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// IssueSetupToken makes a new one-time setup token while no owner exists
// and returns it ("" when an owner exists). Only its hash is kept; each
// start issues a new one, so an old log line opens nothing.
func IssueSetupToken(ctx context.Context, st *store.Store) (string, error) {
	if ok, err := st.HasOwner(ctx); err != nil || ok {
		return "", err
	}
	tok := NewToken()
	if err := st.SetSetting(ctx, store.SettingSetupToken, store.TokenHash(tok)); err != nil {
		return "", err
	}
	return tok, nil
}

// CheckSetupToken reports whether tok is the current setup token.
func CheckSetupToken(ctx context.Context, st *store.Store, tok string) error {
	want, err := st.Setting(ctx, store.SettingSetupToken)
	if errors.Is(err, store.ErrNotFound) || tok == "" {
		return ErrBadToken
	} else if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(store.TokenHash(tok))) != 1 {
		return ErrBadToken
	}
	return nil
}
