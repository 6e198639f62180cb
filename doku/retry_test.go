package doku

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterDroppedConnection(t *testing.T) {
	f := newFakeDOKU(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			dropConnection(t, w)
			return
		}
		writeReply(w, r, reply{status: 200, body: chargeOK})
	})
	var info CallInfo
	id := NewRequestID()
	res, err := f.client().Charge(WithCallInfo(context.Background(), &info), id, chargeRequest())
	if err != nil {
		t.Fatalf("Charge: %v", err)
	}
	if res.Payment.Status != StatusSuccess {
		t.Errorf("payment.status = %q, want SUCCESS", res.Payment.Status)
	}
	got := f.requests()
	if len(got) != 2 {
		t.Fatalf("DOKU saw %d requests, want 2", len(got))
	}
	if got[0].requestID != id || got[1].requestID != id {
		t.Errorf("Request-Ids = %q, %q; want both %q", got[0].requestID, got[1].requestID, id)
	}
	if !bytes.Equal(got[0].body, got[1].body) {
		t.Errorf("bodies differ:\n%s\n%s", got[0].body, got[1].body)
	}
	if info.Attempts != 2 || info.HTTPStatus != 200 {
		t.Errorf("CallInfo = %+v, want 2 attempts ending in 200", info)
	}
}

func TestAllAttemptsDropped(t *testing.T) {
	f := newFakeDOKU(t, func(w http.ResponseWriter, _ *http.Request, _ int) { dropConnection(t, w) })
	c := f.client(func(cfg *Config) { cfg.MaxAttempts = 3 })
	_, err := c.Charge(context.Background(), NewRequestID(), chargeRequest())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("DOKU saw %d requests, want 3", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	f := newFakeDOKU(t, always(reply{status: 200, body: chargeOK}))
	c := f.client()
	f.srv.Close()
	var info CallInfo
	_, err := c.Charge(WithCallInfo(context.Background(), &info), NewRequestID(), chargeRequest())
	var unk *OutcomeUnknownError
	if !errors.As(err, &unk) || unk.HTTPStatus != 0 {
		t.Fatalf("err = %v, want an OutcomeUnknownError without HTTP status", err)
	}
	if info.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", info.Attempts)
	}
}

func TestTimeout(t *testing.T) {
	f := newFakeDOKU(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		writeReply(w, r, reply{status: 200, body: chargeOK})
	})
	c := f.client(func(cfg *Config) { cfg.Timeout = 50 * time.Millisecond })
	start := time.Now()
	_, err := c.Charge(context.Background(), NewRequestID(), chargeRequest())
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown wrapping context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v, want about 2 × 50 ms", d)
	}
	got := f.requests()
	if len(got) != 2 || got[0].requestID != got[1].requestID || !bytes.Equal(got[0].body, got[1].body) {
		t.Errorf("DOKU saw %d requests, want 2 identical ones", len(got))
	}
}

func TestNoRetryWhenCallerOutOfTime(t *testing.T) {
	f := newFakeDOKU(t, func(w http.ResponseWriter, _ *http.Request, _ int) { dropConnection(t, w) })
	c := f.client()
	c.backoff = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := c.Charge(ctx, NewRequestID(), chargeRequest())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("DOKU saw %d requests, want 1", n)
	}
}

func TestCallerCancelled(t *testing.T) {
	f := newFakeDOKU(t, always(reply{status: 200, body: chargeOK}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.client().Charge(ctx, NewRequestID(), chargeRequest())
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown wrapping context.Canceled", err)
	}
}

func TestNoRetryAfterServerError(t *testing.T) {
	f := newFakeDOKU(t, always(reply{status: 502, body: `bad gateway`, unsigned: true}))
	_, err := f.client().Charge(context.Background(), NewRequestID(), chargeRequest())
	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("DOKU saw %d requests, want 1", n)
	}
}

// DOKU may refuse a resent charge ("authentication already used") because
// the first send, whose answer was lost, was carried out. Only an answer to
// the first send is a definite refusal: after a resend it is outcome unknown.
func TestRefusalOfAResendIsOutcomeUnknown(t *testing.T) {
	refusal := `{"error":{"code":"INVALID_FIELD","message":"three_dsecure.authentication_id already used","type":"invalid_request_error"}}`
	for _, status := range []int{400, 404, 412} {
		f := newFakeDOKU(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 0 {
				dropConnection(t, w)
				return
			}
			writeReply(w, r, reply{status: status, body: refusal})
		})
		var info CallInfo
		_, err := f.client().Charge(WithCallInfo(context.Background(), &info), NewRequestID(), chargeRequest())
		if !errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("HTTP %d to the resend: err = %v, want ErrOutcomeUnknown", status, err)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != "INVALID_FIELD" {
			t.Errorf("HTTP %d to the resend: the refusal is not kept for the log: %v", status, err)
		}
		if info.Attempts != 2 {
			t.Errorf("attempts = %d, want 2", info.Attempts)
		}
	}
	// The same refusal to the first send is definite.
	f := newFakeDOKU(t, always(reply{status: 400, body: refusal}))
	_, err := f.client().Charge(context.Background(), NewRequestID(), chargeRequest())
	var apiErr *APIError
	if errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &apiErr) {
		t.Fatalf("HTTP 400 to the first send: err = %v, want a definite *APIError", err)
	}
}
