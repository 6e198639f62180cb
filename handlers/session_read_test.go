package handlers

import (
	"strconv"
	"testing"
	"time"
)

// A decoded cookie is reused only for the very same value, as a copy of
// its own, and for a minute at most.
func TestReadCookiesKeepDecodedSessionsBriefly(t *testing.T) {
	var r readCookies
	r.put("cookie-a", Session{SID: "s1", CustomerID: 7, CartID: "c1", Orders: []int64{1, 2}})
	got, ok := r.get("cookie-a")
	if !ok || got.SID != "s1" || got.CustomerID != 7 || got.CartID != "c1" || len(got.Orders) != 2 {
		t.Fatalf("get = %+v, %v", got, ok)
	}
	got.Orders[0] = 99
	if again, _ := r.get("cookie-a"); again.Orders[0] != 1 {
		t.Fatal("a caller's change reached the kept session")
	}
	if _, ok := r.get("cookie-a "); ok {
		t.Fatal("another value found the kept session")
	}
	r.mu.Lock()
	e := r.m["cookie-a"]
	e.at = time.Now().Add(-readCookieTTL - time.Second)
	r.m["cookie-a"] = e
	r.mu.Unlock()
	if _, ok := r.get("cookie-a"); ok {
		t.Fatal("a session decoded over a minute ago was reused")
	}
	for i := range readCookiesMax + 1 {
		r.put("v"+strconv.Itoa(i), Session{SID: "x"})
	}
	if n := len(r.m); n > readCookiesMax {
		t.Fatalf("%d kept, bound %d", n, readCookiesMax)
	}
}
