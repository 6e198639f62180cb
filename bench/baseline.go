package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// baselinePage is a fixed page of about 1 KB: what a bare Echo server
// answers in `go run ./bench`, the yardstick the app's pages are held to.
var baselinePage = []byte("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Baseline</title></head><body><main><h1>Baseline</h1>" +
	strings.Repeat("<p>A fixed paragraph of text so the page weighs about one kilobyte.</p>", 12) +
	"</main></body></html>\n")

// serveBaseline is the bench binary's hidden child mode for the yardstick:
// a bare Echo handler returning baselinePage on ADDR until ctx ends. It runs
// as its own process, like the app, so its CPU and memory are measured alike
// and the shipped binary carries no bench code.
func serveBaseline(ctx context.Context, addr string) error {
	if addr == "" {
		return errors.New("ADDR is not set")
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.HTMLBlob(http.StatusOK, baselinePage) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
