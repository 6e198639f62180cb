package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"doku-checkout/doku/signature"
)

// apiRequest is an authenticated API request.
type apiRequest struct {
	r         *http.Request
	requestID string
	signature string
	timestamp string
	body      []byte
}

// apiHandler handles an authenticated request.
type apiHandler func(req *apiRequest) apiResponse

// post is the pipeline for a POST endpoint: body limit, signature,
// idempotency, then the handler (which parses and validates).
func (s *Server) post(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		requestID := r.Header.Get(signature.HeaderRequestID)
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			s.write(w, r, requestID, errorResponse(http.StatusRequestEntityTooLarge, codePayloadTooLarge, msgBodyTooLarge), false)
			return
		}
		req, fail := s.authenticate(r, body, true)
		if fail != nil {
			s.write(w, r, requestID, *fail, false)
			return
		}
		s.idempotent(w, req, h)
	}
}

// get is the pipeline for a GET endpoint: four-line signature, no idempotency.
func (s *Server) get(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		requestID := r.Header.Get(signature.HeaderRequestID)
		req, fail := s.authenticate(r, nil, false)
		if fail != nil {
			s.write(w, r, requestID, *fail, false)
			return
		}
		s.write(w, r, requestID, s.safeCall(h, req), false)
	}
}

// safeCall runs h, turning a panic into a 500 so an idempotency entry is
// always completed.
func (s *Server) safeCall(h apiHandler, req *apiRequest) (resp apiResponse) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("handler panic", "path", req.r.URL.Path, "panic", fmt.Sprint(p))
			resp = errorResponse(http.StatusInternalServerError, codeInternal, msgPanic)
		}
	}()
	return h(req)
}

// authenticate checks Client-Id, Request-Id, Request-Timestamp and Signature.
// withDigest selects the five-line (POST) or four-line (GET) string to sign.
func (s *Server) authenticate(r *http.Request, body []byte, withDigest bool) (*apiRequest, *apiResponse) {
	fail := func(code, msg string) (*apiRequest, *apiResponse) {
		resp := errorResponse(http.StatusUnauthorized, code, msg)
		return nil, &resp
	}
	h := r.Header
	for _, name := range []string{signature.HeaderClientID, signature.HeaderRequestID, signature.HeaderRequestTimestamp, signature.HeaderSignature} {
		if h.Get(name) == "" {
			return fail(codeInvalidHeader, fmt.Sprintf(msgMissingHeader, name))
		}
	}
	clientID := h.Get(signature.HeaderClientID)
	requestID := h.Get(signature.HeaderRequestID)
	ts := h.Get(signature.HeaderRequestTimestamp)
	sig := h.Get(signature.HeaderSignature)
	if len(requestID) > maxRequestIDLen {
		return fail(codeInvalidHeader, msgRequestIDTooLong)
	}
	if clientID != s.cfg.ClientID {
		return fail(codeInvalidClientID, msgUnknownClientID)
	}
	t, err := time.Parse(signature.TimestampLayout, ts)
	if err != nil || t.Format(signature.TimestampLayout) != ts {
		return fail(codeInvalidTimestamp, msgBadTimestamp)
	}
	if skew := s.now().Sub(t); skew > maxTimestampSkew || skew < -maxTimestampSkew {
		return fail(codeInvalidTimestamp, msgTimestampSkew)
	}
	c := signature.Components{
		ClientID:  clientID,
		RequestID: requestID,
		Timestamp: ts,
		Target:    requestTarget(r),
	}
	if withDigest {
		c.Digest = signature.Digest(body)
	}
	if !signature.Verify(s.cfg.SecretKey, c, sig) {
		return fail(codeInvalidSignature, msgBadSignature)
	}
	return &apiRequest{r: r, requestID: requestID, signature: sig, timestamp: ts, body: body}, nil
}

// decode checks the Content-Type and unmarshals the body into v. A type
// mismatch is an INVALID_FIELD naming the field; bad JSON is INVALID_FORMAT.
func decode(req *apiRequest, v any) *apiResponse {
	mt, _, err := mime.ParseMediaType(req.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		resp := errorResponse(http.StatusUnsupportedMediaType, codeUnsupportedMedia, msgContentType)
		return &resp
	}
	if err := json.Unmarshal(req.body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				resp := errorResponse(http.StatusBadRequest, codeInvalidFormat, msgMalformedJSON)
				return &resp
			}
			resp := fieldError(field, reasonWrongType)
			return &resp
		}
		resp := errorResponse(http.StatusBadRequest, codeInvalidFormat, msgMalformedJSON)
		return &resp
	}
	return nil
}

// fieldError is a 400 INVALID_FIELD whose message starts with the field path.
func fieldError(field, reason string) apiResponse {
	return errorResponse(http.StatusBadRequest, codeInvalidField, field+": "+reason)
}

// isJSONObject reports whether b is a JSON object (json.Unmarshal accepts null).
func isJSONObject(b []byte) bool {
	return strings.HasPrefix(strings.TrimLeft(string(b), " \t\r\n"), "{")
}
