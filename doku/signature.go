// Package doku is the signed client for DOKU's non-SNAP card and Checkout API.
//
// This file holds the signature primitive. It is the only code the sandbox
// shares with the client, so that a mistake elsewhere on one side cannot hide
// behind the same mistake on the other.
package doku

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Header names DOKU uses for the non-SNAP signature.
const (
	HeaderClientID          = "Client-Id"
	HeaderRequestID         = "Request-Id"
	HeaderRequestTimestamp  = "Request-Timestamp"
	HeaderResponseTimestamp = "Response-Timestamp"
	HeaderSignature         = "Signature"
)

// TimestampLayout is DOKU's timestamp format: UTC, seconds, a literal Z.
const TimestampLayout = "2006-01-02T15:04:05Z"

// SignaturePrefix starts every Signature header value.
const SignaturePrefix = "HMACSHA256="

// Components are the values a signature covers. Digest empty means the
// four-line form (a GET has no body and no Digest line).
type Components struct {
	ClientID  string
	RequestID string
	// TimestampName is HeaderRequestTimestamp (requests, notifications) or
	// HeaderResponseTimestamp (responses). Empty means Request-Timestamp.
	TimestampName string
	Timestamp     string
	// Target is the path only: no scheme, host or query.
	Target string
	Digest string
}

// Digest is standard base64 (padded) of SHA-256 over the exact body bytes.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// StringToSign joins the components as DOKU specifies: "Name:value" lines
// joined by "\n", no trailing newline, Digest line only when a digest is set.
func StringToSign(c Components) string {
	tsName := c.TimestampName
	if tsName == "" {
		tsName = HeaderRequestTimestamp
	}
	var b strings.Builder
	b.Grow(len(c.ClientID) + len(c.RequestID) + len(c.Timestamp) + len(c.Target) + len(c.Digest) + 96)
	b.WriteString(HeaderClientID + ":")
	b.WriteString(c.ClientID)
	b.WriteString("\n" + HeaderRequestID + ":")
	b.WriteString(c.RequestID)
	b.WriteString("\n")
	b.WriteString(tsName)
	b.WriteString(":")
	b.WriteString(c.Timestamp)
	b.WriteString("\nRequest-Target:")
	b.WriteString(c.Target)
	if c.Digest != "" {
		b.WriteString("\nDigest:")
		b.WriteString(c.Digest)
	}
	return b.String()
}

// Sign returns the Signature header value: "HMACSHA256=" + base64(HMAC-SHA256).
func Sign(secretKey string, c Components) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(StringToSign(c)))
	sum := mac.Sum(nil)
	return SignaturePrefix + base64.StdEncoding.EncodeToString(sum)
}

// Verify reports whether signature is the valid signature of c under
// secretKey. The comparison is constant-time.
func Verify(secretKey string, c Components, signature string) bool {
	if !strings.HasPrefix(signature, SignaturePrefix) {
		return false
	}
	want := Sign(secretKey, c)
	return hmac.Equal([]byte(want), []byte(signature))
}
