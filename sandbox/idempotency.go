package sandbox

import (
	"context"
	"crypto/sha256"
	"net/http"
)

// idemEntry is the first request seen for a (Client-Id, Request-Id).
type idemEntry struct {
	fingerprint [32]byte
	done        chan struct{} // closed once resp is final
	resp        apiResponse
}

// idempotent runs h once per (Client-Id, Request-Id). The same id with the
// same path and body is answered 409 with the first response's body (after
// waiting for it); the same id with anything else gets 409
// DUPLICATE_REQUEST_ID and has no effect.
func (s *Server) idempotent(w http.ResponseWriter, req *apiRequest, h apiHandler) {
	r := req.r
	key := s.cfg.ClientID + "\x00" + req.requestID
	fp := sha256.Sum256([]byte(requestTarget(r) + "\x00" + string(req.body)))

	s.mu.Lock()
	st := s.st
	e, seen := st.idem[key]
	if !seen {
		e = &idemEntry{fingerprint: fp, done: make(chan struct{})}
		st.idem[key] = e
		st.idemOrder = append(st.idemOrder, key)
		st.forgetOldIdem(s.idemKeep())
	}
	s.mu.Unlock()

	if seen {
		if e.fingerprint != fp {
			s.write(w, r, req.requestID, errorResponse(http.StatusConflict, codeDuplicateRequestID, msgDuplicateID), false)
			return
		}
		select {
		case <-e.done:
			s.write(w, r, req.requestID, e.resp, true)
		case <-r.Context().Done():
		}
		return
	}

	resp := s.safeCall(h, req)
	finish := func() {
		e.resp = resp
		close(e.done)
	}
	if resp.wait > 0 {
		// The outcome must not depend on the client staying connected.
		s.spawn(func(ctx context.Context) {
			if sleep(ctx, resp.wait) && resp.release != nil {
				resp.release()
			}
			finish()
		})
	} else {
		finish()
	}
	select {
	case <-e.done:
		s.write(w, r, req.requestID, resp, false)
	case <-r.Context().Done():
	}
}

func (s *Server) idemKeep() int {
	if s.cfg.IdempotencyKeep > 0 {
		return s.cfg.IdempotencyKeep
	}
	return defaultIdemKeep
}

// forgetOldIdem drops the oldest answered Request-Ids beyond keep. One still
// being answered is kept (a resend waits for it), and so is everything
// after it. Callers hold s.mu.
func (st *state) forgetOldIdem(keep int) {
	drop := 0
	for len(st.idemOrder)-drop > keep {
		e := st.idem[st.idemOrder[drop]]
		if e != nil {
			select {
			case <-e.done:
			default:
				st.trimIdem(drop)
				return
			}
		}
		delete(st.idem, st.idemOrder[drop])
		drop++
	}
	st.trimIdem(drop)
}

// trimIdem removes the first n keys of idemOrder, copying the rest to a
// fresh slice now and then so the dropped keys' memory is freed.
func (st *state) trimIdem(n int) {
	st.idemOrder = st.idemOrder[n:]
	if cap(st.idemOrder) > 4*len(st.idemOrder)+1024 {
		st.idemOrder = append([]string(nil), st.idemOrder...)
	}
}
