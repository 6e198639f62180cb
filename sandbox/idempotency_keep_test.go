package sandbox

import (
	"fmt"
	"testing"
)

// The sandbox keeps the latest IdempotencyKeep answered Request-Ids, so a
// long demo does not grow without end: a resend of a recent one still gets
// the first answer (409 IDEM), one long forgotten is a new request, and one
// still being answered is never dropped.
func TestIdempotencyKeepsTheLatestAnswers(t *testing.T) {
	st := newState()
	done := make(chan struct{})
	close(done)
	add := func(key string, finished bool) {
		e := &idemEntry{done: make(chan struct{})}
		if finished {
			e.done = done
		}
		st.idem[key] = e
		st.idemOrder = append(st.idemOrder, key)
		st.forgetOldIdem(3)
	}
	add("busy", false)
	for i := range 5 {
		add(fmt.Sprint(i), true)
	}
	if _, ok := st.idem["busy"]; !ok || len(st.idem) != 6 {
		t.Fatalf("an unanswered Request-Id was dropped, or others behind it: %d kept", len(st.idem))
	}
	close(st.idem["busy"].done)
	add("5", true)
	if len(st.idem) != 3 || len(st.idemOrder) != 3 {
		t.Fatalf("kept %d (%d in order), want 3", len(st.idem), len(st.idemOrder))
	}
	for _, k := range []string{"3", "4", "5"} {
		if _, ok := st.idem[k]; !ok {
			t.Errorf("recent Request-Id %s forgotten", k)
		}
	}
	if _, ok := st.idem["busy"]; ok {
		t.Errorf("the oldest answered Request-Id kept beyond the limit")
	}
}
