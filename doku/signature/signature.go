// Package signature is DOKU's non-SNAP request signature: Digest, the string
// to sign and HMACSHA256 over it, for requests, answers and notifications.
//
// This file holds the signature primitive. It is the only code the sandbox
// shares with the client, so that a mistake elsewhere on one side cannot hide
// behind the same mistake on the other.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
	"sync"
	"sync/atomic"
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

// digestLen is the length of a base64-encoded SHA-256 sum.
const digestLen = 44

// Digest is standard base64 (padded) of SHA-256 over the exact body bytes.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	var buf [digestLen]byte
	base64.StdEncoding.Encode(buf[:], sum[:])
	return string(buf[:])
}

// StringToSign joins the components as DOKU specifies: "Name:value" lines
// joined by "\n", no trailing newline, Digest line only when a digest is set.
func StringToSign(c Components) string {
	return string(appendStringToSign(make([]byte, 0, stringToSignLen(c)), c))
}

// stringToSignLen is an upper bound of the length of StringToSign(c).
func stringToSignLen(c Components) int {
	return len(c.ClientID) + len(c.RequestID) + len(c.TimestampName) + len(c.Timestamp) +
		len(c.Target) + len(c.Digest) + 96
}

// appendStringToSign appends StringToSign(c) to b.
func appendStringToSign(b []byte, c Components) []byte {
	tsName := c.TimestampName
	if tsName == "" {
		tsName = HeaderRequestTimestamp
	}
	b = append(b, HeaderClientID+":"...)
	b = append(b, c.ClientID...)
	b = append(b, "\n"+HeaderRequestID+":"...)
	b = append(b, c.RequestID...)
	b = append(b, '\n')
	b = append(b, tsName...)
	b = append(b, ':')
	b = append(b, c.Timestamp...)
	b = append(b, "\nRequest-Target:"...)
	b = append(b, c.Target...)
	if c.Digest != "" {
		b = append(b, "\nDigest:"...)
		b = append(b, c.Digest...)
	}
	return b
}

// computeSignature returns the Signature header value for c as bytes. It uses a
// single buffer: the string to sign is written there and fed to the HMAC,
// the sum overwrites its start, and the encoded value follows the sum.
func computeSignature(secretKey string, c Components) []byte {
	const sigLen = len(SignaturePrefix) + digestLen
	buf := make([]byte, 0, stringToSignLen(c)+sha256.Size+sigLen)
	buf = appendStringToSign(buf, c)
	mac := getMAC(secretKey)
	mac.Write(buf)
	sum := mac.Sum(buf[:0])
	putMAC(secretKey, mac)
	out := append(buf[sha256.Size:sha256.Size], SignaturePrefix...)
	return base64.StdEncoding.AppendEncode(out, sum)
}

// Sign returns the Signature header value: "HMACSHA256=" + base64(HMAC-SHA256).
func Sign(secretKey string, c Components) string {
	return string(computeSignature(secretKey, c))
}

// Verify reports whether signature is the valid signature of c under
// secretKey. The comparison is constant-time.
func Verify(secretKey string, c Components, signature string) bool {
	if !strings.HasPrefix(signature, SignaturePrefix) {
		return false
	}
	return hmac.Equal(computeSignature(secretKey, c), []byte(signature))
}

// macCache keeps keyed HMAC states for the most recently used secret key, so
// that signing does not derive the inner and outer pads on every call. A
// process normally signs with one key; another key replaces the entry.
var macCache atomic.Pointer[macPool]

type macPool struct {
	key  string
	pool sync.Pool
}

// getMAC returns a reset HMAC-SHA256 keyed with secretKey.
func getMAC(secretKey string) hash.Hash {
	if p := macCache.Load(); p != nil && p.key == secretKey {
		if m, ok := p.pool.Get().(hash.Hash); ok {
			return m
		}
	}
	return hmac.New(sha256.New, []byte(secretKey))
}

// putMAC resets m and keeps it for the next call with the same key.
func putMAC(secretKey string, m hash.Hash) {
	m.Reset()
	p := macCache.Load()
	if p == nil || p.key != secretKey {
		p = &macPool{key: secretKey}
		macCache.Store(p)
	}
	p.pool.Put(m)
}
