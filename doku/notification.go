package doku

import (
	"fmt"
	"net/http"
	"time"

	"doku-checkout/doku/signature"
)

// VerifyNotificationWith checks an incoming notification for the merchant
// clientID and secretKey: Client-Id must be clientID, Request-Id and a
// Request-Timestamp in TimestampLayout must be present, and Signature must
// be valid over them, target (the path of our notification URL) and the
// Digest of body, the raw bytes received. It then decodes body leniently.
//
// Header problems match ErrBadSignature (answer 401); a signed body that
// cannot be decoded matches ErrBadNotification. The timestamp is not checked
// for freshness (DOKU retries for hours); callers process notifications
// idempotently instead.
func VerifyNotificationWith(clientID, secretKey string, h http.Header, target string, body []byte) (*Notification, error) {
	if err := verifyNotification(clientID, secretKey, h, target, body); err != nil {
		return nil, fmt.Errorf("doku: notification: %w", err)
	}
	var n Notification
	if err := decodeObject(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadNotification, err)
	}
	if err := n.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadNotification, err)
	}
	return &n, nil
}

// verifyNotification checks the headers and the signature of a notification.
func verifyNotification(clientID, secretKey string, h http.Header, target string, body []byte) error {
	ts := h.Get(signature.HeaderRequestTimestamp)
	sig := h.Get(signature.HeaderSignature)
	switch {
	case sig == "":
		return badSignatureError("no Signature")
	case clientID == "" || h.Get(signature.HeaderClientID) != clientID:
		return badSignatureError("Client-Id mismatch")
	case h.Get(signature.HeaderRequestID) == "":
		return badSignatureError("no Request-Id")
	case ts == "":
		return badSignatureError("no Request-Timestamp")
	}
	if _, err := time.Parse(signature.TimestampLayout, ts); err != nil {
		return badSignatureError("Request-Timestamp not in " + signature.TimestampLayout)
	}
	ok := signature.Verify(secretKey, signature.Components{
		ClientID:  clientID,
		RequestID: h.Get(signature.HeaderRequestID),
		Timestamp: ts,
		Target:    target,
		Digest:    signature.Digest(body),
	}, sig)
	if !ok {
		return badSignatureError("signature does not match")
	}
	return nil
}
