package doku

import "context"

// CallInfo reports how a call went, for logging and for the payment flow.
// Attach one to the context with WithCallInfo; the client fills it in
// before the call returns.
type CallInfo struct {
	RequestID  string // the Request-Id sent (fresh for Status and Tokens)
	Attempts   int    // how many times the request was sent
	HTTPStatus int    // status of the last answer; 0 when none was received
	// Replayed is true when DOKU answered 409 with the original answer to
	// the same Request-Id and body: the result is the first call's result.
	Replayed bool
}

type callInfoKey struct{}

// WithCallInfo returns a context that makes the client record into info.
func WithCallInfo(ctx context.Context, info *CallInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

// callInfoFrom returns the CallInfo attached to ctx, or a throwaway one.
func callInfoFrom(ctx context.Context) *CallInfo {
	if info, ok := ctx.Value(callInfoKey{}).(*CallInfo); ok && info != nil {
		*info = CallInfo{}
		return info
	}
	return &CallInfo{}
}
