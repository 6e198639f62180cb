package staff

import (
	"testing"
	"time"
)

// A code is accepted for its own time step and one either side (a clock a
// little off), not further, and only as 6 digits; the step it matched is
// the one the store remembers against replays.
func TestMatchStep(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Unix(1_800_000_015, 0) // step 60,000,000
	cur := now.Unix() / totpPeriod
	for _, d := range []int64{-2, -1, 0, 1, 2} {
		code := CodeForTests(secret, time.Unix((cur+d)*totpPeriod, 0))
		step, ok := matchStep(secret, code, now)
		if want := d >= -1 && d <= 1; ok != want || (ok && step != cur+d) {
			t.Errorf("code of step %+d: step %d, ok %v; want ok %v at step %d", d, step, ok, want, cur+d)
		}
	}
	code := CodeForTests(secret, now)
	for _, in := range []string{code[:3] + " " + code[3:], " " + code + " "} {
		if _, ok := matchStep(secret, in, now); !ok {
			t.Errorf("%q refused, want the code with spaces accepted", in)
		}
	}
	for _, in := range []string{"", code[:5], code + "0", "12345a", "-12345"} {
		if _, ok := matchStep(secret, in, now); ok {
			t.Errorf("%q accepted, want refused", in)
		}
	}
}
