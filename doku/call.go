package doku

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"doku-checkout/doku/signature"
)

// maxAnswerBytes bounds how much of an answer is read.
const maxAnswerBytes = 1 << 20

// call is one logical request: the same Request-Id and body on every attempt.
type call struct {
	op        string // names the operation in errors, e.g. "charge"
	method    string
	path      string // escaped endpoint path, without BaseURL's prefix
	requestID string
	body      []byte // the exact bytes sent; nil for GET
}

// answer is an HTTP response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // reading the body failed
}

// post marshals in once and sends it as a signed POST.
func (c *Client) post(ctx context.Context, op, path, requestID string, in any, out result) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("doku: %s: encode request: %w", op, err)
	}
	return c.do(ctx, call{op: op, method: http.MethodPost, path: path, requestID: requestID, body: body}, out)
}

// do sends k, retrying only when no HTTP answer arrived, and classifies the
// answer into out or an error. Errors returned before anything was sent
// (bad configuration, bad Request-Id) do not match ErrOutcomeUnknown.
func (c *Client) do(ctx context.Context, k call, out result) error {
	info := callInfoFrom(ctx)
	info.RequestID = k.requestID
	if c.baseErr != nil {
		return fmt.Errorf("doku: %s: %w", k.op, c.baseErr)
	}
	if err := checkRequestID(k.requestID); err != nil {
		return fmt.Errorf("doku: %s: %w", k.op, err)
	}
	target := c.basePath + k.path
	digest := ""
	if k.body != nil {
		digest = signature.Digest(k.body)
	}
	for {
		info.Attempts++
		a, err := c.attempt(ctx, k, target, digest)
		if a != nil {
			info.HTTPStatus = a.status
			err := c.classify(k, target, a, out, info)
			var apiErr *APIError
			if info.Attempts > 1 && errors.As(err, &apiErr) {
				// Only the answer to the first send can be a definite
				// refusal. The first send may have been carried out while
				// its answer was lost, and a refusal of the resend ("already
				// used", "already paid") then says nothing about it.
				return &OutcomeUnknownError{Op: k.op, Reason: "refusal of a resent request", HTTPStatus: a.status, Err: apiErr}
			}
			return err
		}
		if errors.Is(err, errNotSent) {
			return fmt.Errorf("doku: %s: %w", k.op, err)
		}
		if info.Attempts >= c.cfg.MaxAttempts || !c.pause(ctx) {
			return &OutcomeUnknownError{Op: k.op, Reason: fmt.Sprintf("no answer after %d attempt(s)", info.Attempts), Err: err}
		}
	}
}

// pause waits before the next attempt and reports whether the caller's
// context leaves time for one.
func (c *Client) pause(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= c.backoff {
		return false
	}
	t := time.NewTimer(c.backoff)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// errNotSent marks a request that could not even be built.
var errNotSent = errors.New("request not sent")

// attempt signs and sends k once, with its own timeout, and reads the
// answer. It returns a nil answer when no HTTP response was received.
func (c *Client) attempt(ctx context.Context, k call, target, digest string) (*answer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var body io.Reader
	if k.body != nil {
		body = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, c.origin+target, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotSent, err)
	}
	ts := c.cfg.Now().UTC().Format(signature.TimestampLayout)
	req.Header.Set(signature.HeaderClientID, c.cfg.ClientID)
	req.Header.Set(signature.HeaderRequestID, k.requestID)
	req.Header.Set(signature.HeaderRequestTimestamp, ts)
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(signature.HeaderSignature, signature.Sign(c.cfg.SecretKey, signature.Components{
		ClientID:  c.cfg.ClientID,
		RequestID: k.requestID,
		Timestamp: ts,
		Target:    target,
		Digest:    digest,
	}))
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header}
	a.body, a.err = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	return a, nil
}

// classify turns an answer into the decoded result, an *APIError or an
// *OutcomeUnknownError.
func (c *Client) classify(k call, target string, a *answer, out result, info *CallInfo) error {
	unknown := func(reason string, err error) error {
		return &OutcomeUnknownError{Op: k.op, Reason: reason, HTTPStatus: a.status, Err: err}
	}
	switch {
	case a.err != nil:
		return unknown("answer cut short", a.err)
	case len(a.body) > maxAnswerBytes:
		return unknown("answer too large", nil)
	case a.status >= 500:
		return unknown("server error", nil)
	}
	covered, err := c.verifyAnswer(k, target, a)
	if err != nil {
		return unknown("answer not authentic", err)
	}
	switch {
	case a.status >= 200 && a.status < 300:
		if err := decodeResult(a.body, out); err != nil {
			return unknown("answer not understood", err)
		}
		if m, ok := out.(bodyMarker); ok && !covered {
			m.markBodyNotSigned()
		}
		return nil
	case a.status == http.StatusConflict:
		if apiErr := decodeAPIError(k.op, a); apiErr != nil {
			return apiErr
		}
		// DOKU's replay of the first answer to this Request-Id and body.
		if err := decodeResult(a.body, out); err != nil {
			return unknown("replayed answer not understood", err)
		}
		info.Replayed = true
		return nil
	case a.status >= 400 && a.status < 500:
		if apiErr := decodeAPIError(k.op, a); apiErr != nil {
			return apiErr
		}
		return unknown("rejection not understood", nil)
	default:
		return unknown("unexpected HTTP status", nil)
	}
}

// maxResponseSkew bounds how far an answer's Response-Timestamp may be from
// our clock: an answer signed long ago is not an answer to this request.
const maxResponseSkew = 5 * time.Minute

// verifyAnswer checks that the answer is DOKU's, to this very request: the
// echoed Client-Id and Request-Id, a fresh Response-Timestamp, and the
// Signature over them, the path called and the Digest of the body. An
// answer to a GET may also be signed in the four-line form without Digest;
// covered then reports false: the signature does not cover the body.
func (c *Client) verifyAnswer(k call, target string, a *answer) (covered bool, err error) {
	sig := a.header.Get(signature.HeaderSignature)
	ts := a.header.Get(signature.HeaderResponseTimestamp)
	switch {
	case sig == "":
		return false, badSignatureError("answer unsigned")
	case a.header.Get(signature.HeaderClientID) != c.cfg.ClientID:
		return false, badSignatureError("Client-Id mismatch")
	case a.header.Get(signature.HeaderRequestID) != k.requestID:
		return false, badSignatureError("Request-Id mismatch")
	case ts == "":
		return false, badSignatureError("no Response-Timestamp")
	}
	at, perr := time.Parse(signature.TimestampLayout, ts)
	if perr != nil {
		return false, badSignatureError("Response-Timestamp not in " + signature.TimestampLayout)
	}
	// Wall-clock time: how old the answer is, whatever clock signs ours.
	if skew := time.Since(at); skew > maxResponseSkew || skew < -maxResponseSkew {
		return false, badSignatureError("Response-Timestamp " + ts + " too far from now")
	}
	comp := signature.Components{
		ClientID:      c.cfg.ClientID,
		RequestID:     k.requestID,
		TimestampName: signature.HeaderResponseTimestamp,
		Timestamp:     ts,
		Target:        target,
		Digest:        signature.Digest(a.body),
	}
	if signature.Verify(c.cfg.SecretKey, comp, sig) {
		return true, nil
	}
	if k.method == http.MethodGet {
		comp.Digest = ""
		if signature.Verify(c.cfg.SecretKey, comp, sig) {
			return false, nil
		}
	}
	return false, badSignatureError("signature does not match")
}
