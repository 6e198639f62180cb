package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	"doku-checkout/doku/signature"

	"github.com/google/uuid"
)

// notifyLag lets the charge response leave before its notification.
const notifyLag = 50 * time.Millisecond

// retryOffsets are DOKU's retries after a failed delivery, counted from the
// first attempt and multiplied by Config.NotifyRetryScale.
var retryOffsets = []time.Duration{30 * time.Minute, 6 * time.Hour, 12 * time.Hour}

// notification is one notification (a status change) and its delivery attempts.
type notification struct {
	requestID string
	status    string
	attempts  []attempt
	delivered bool
}

// attempt is one delivery try: the HTTP status, or the error.
type attempt struct {
	at     time.Time
	status int
	err    string
}

// notify sends tx's current (final) status to the notification URL in the
// background, retrying on a non-2xx answer.
func (s *Server) notify(tx *transaction) {
	s.mu.Lock()
	target := s.notifyURL
	if target == "" {
		s.mu.Unlock()
		return
	}
	n := &notification{requestID: uuid.NewString(), status: tx.status}
	if tx.more != nil { // a compacted transaction keeps no log
		tx.more.notifications = append(tx.more.notifications, n)
	}
	body, err := json.Marshal(txEnvelope(tx))
	s.mu.Unlock()
	if err != nil {
		return
	}
	s.spawn(func(ctx context.Context) {
		if !sleep(ctx, notifyLag) {
			return
		}
		start := time.Now()
		for i := 0; ; i++ {
			if s.deliver(ctx, target, n, body) {
				return
			}
			if i == len(retryOffsets) {
				s.log.Warn("notification given up", "request_id", n.requestID, "invoice", tx.invoice)
				return
			}
			wait := time.Until(start.Add(time.Duration(float64(retryOffsets[i]) * s.cfg.NotifyRetryScale)))
			if !sleep(ctx, max(wait, 0)) {
				return
			}
		}
	})
}

// deliver makes one signed POST and records it; true on a 2xx answer.
func (s *Server) deliver(ctx context.Context, target string, n *notification, body []byte) bool {
	u, err := url.Parse(target)
	path := "/"
	if err == nil && u.EscapedPath() != "" {
		path = u.EscapedPath()
	}
	ts := s.now().UTC().Format(signature.TimestampLayout)
	sig := signature.Sign(s.cfg.SecretKey, signature.Components{
		ClientID:  s.cfg.ClientID,
		RequestID: n.requestID,
		Timestamp: ts,
		Target:    path,
		Digest:    signature.Digest(body),
	})
	a := attempt{at: s.now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(signature.HeaderClientID, s.cfg.ClientID)
		req.Header.Set(signature.HeaderRequestID, n.requestID)
		req.Header.Set(signature.HeaderRequestTimestamp, ts)
		req.Header.Set(signature.HeaderSignature, sig)
		var resp *http.Response
		resp, err = s.cfg.HTTPClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			a.status = resp.StatusCode
		}
	}
	if err != nil {
		a.err = err.Error()
	}
	ok := a.status >= 200 && a.status < 300
	s.mu.Lock()
	n.attempts = append(n.attempts, a)
	n.delivered = n.delivered || ok
	s.mu.Unlock()
	s.log.Info("notification", "request_id", n.requestID, "status", a.status, "error", a.err)
	return ok
}
