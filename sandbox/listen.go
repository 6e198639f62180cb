package sandbox

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// shutdownGrace bounds how long ListenAndServe waits for open requests.
const shutdownGrace = 5 * time.Second

// ListenAndServe serves a new sandbox built from cfg on addr until ctx is
// done, then shuts down gracefully.
func ListenAndServe(ctx context.Context, addr string, cfg Config) error {
	s := New(cfg)
	defer s.Close()
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.log.Info("sandbox listening", "addr", addr, "public_url", cfg.PublicURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
