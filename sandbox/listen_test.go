package sandbox

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestListenAndServe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ListenAndServe(ctx, addr, Config{ClientID: testClientID, SecretKey: testSecret, Logger: quietLogger()})
	}()
	waitFor(t, 2*time.Second, "server up", func() bool {
		resp, err := http.Get("http://" + addr + "/_sandbox/stats")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ListenAndServe after cancel: got %v, want nil", err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("ListenAndServe did not return after cancel")
	}
}
