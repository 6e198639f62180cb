package doku

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrOutcomeUnknown is matched (errors.Is) by every error after which the
// result of the call cannot be known: no answer (transport error, timeout),
// 5xx, an unsigned or mis-signed answer, an answer that does not parse.
// The caller must treat the payment as pending and reconcile it later.
var ErrOutcomeUnknown = errors.New("doku: outcome unknown")

// ErrBadSignature is matched (errors.Is) by errors about a missing, invalid
// or mismatched Signature, Client-Id, Request-Id or timestamp header, on a
// notification or on an answer (where it comes wrapped in an
// *OutcomeUnknownError).
var ErrBadSignature = errors.New("doku: bad signature")

// ErrBadNotification is matched (errors.Is) by VerifyNotification errors for
// a correctly signed notification whose body cannot be decoded.
var ErrBadNotification = errors.New("doku: undecodable notification")

// OutcomeUnknownError says a call was, or may have been, sent and its result
// cannot be known. It matches ErrOutcomeUnknown.
type OutcomeUnknownError struct {
	Op         string // the operation, e.g. "charge"
	Reason     string // why the outcome is unknown, e.g. "server error"
	HTTPStatus int    // 0 when no HTTP answer was received
	Err        error  // the underlying cause, if any
}

// Error names the operation, the reason and the HTTP status; never a body.
func (e *OutcomeUnknownError) Error() string {
	s := "doku: " + e.Op + ": outcome unknown: " + e.Reason
	if e.HTTPStatus != 0 {
		s += " (HTTP " + strconv.Itoa(e.HTTPStatus) + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is reports whether target is ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// APIError is a definite, correctly signed rejection (4xx) from DOKU: the
// request had no effect.
type APIError struct {
	Op         string // the operation, e.g. "charge"
	HTTPStatus int
	Code       string // DOKU's error code, e.g. INVALID_FIELD
	Message    string // DOKU's message; not part of Error(), it may echo input
	Type       string
}

// Error names the operation, the HTTP status and the DOKU error code only.
func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = "(no code)"
	}
	return fmt.Sprintf("doku: %s: rejected: HTTP %d %s", e.Op, e.HTTPStatus, code)
}

// badSignatureError details an ErrBadSignature.
type badSignatureError string

func (e badSignatureError) Error() string        { return "bad signature: " + string(e) }
func (e badSignatureError) Is(target error) bool { return target == ErrBadSignature }
