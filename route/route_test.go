package route

import (
	"regexp"
	"strings"
	"testing"
)

// match reports whether path fits pattern (":name" matches one segment).
func match(pattern, path string) bool {
	re := "^" + regexp.MustCompile(`:[a-z]+`).ReplaceAllString(regexp.QuoteMeta(pattern), `[^/?]+`) + `(\?.*)?$`
	return regexp.MustCompile(re).MatchString(path)
}

// Every path builder lands on its own pattern, so a pattern changed here
// cannot leave links or DOKU callback URLs pointing elsewhere.
func TestBuildersMatchTheirPatterns(t *testing.T) {
	cases := []struct{ pattern, path string }{
		{CartItem, CartItemPath(42)},
		{CardDelete, CardDeletePath(7)},
		{ThreeDSPassed, ThreeDSReturnPath("0123abcd", true)},
		{ThreeDSFailed, ThreeDSReturnPath("0123abcd", false)},
		{Receipt, ReceiptPath("INV-20261202-ABCDE12345", "k3y")},
		{Receipt, ReceiptPath("INV-20261202-ABCDE12345", "")},
		{Login, LoginThen("/orders")},
	}
	for _, tc := range cases {
		if !match(tc.pattern, tc.path) {
			t.Errorf("%q does not match its pattern %q", tc.path, tc.pattern)
		}
	}
	if !strings.HasPrefix(ThreeDSReturnPath("r", true), ThreeDSRoot) || !strings.HasPrefix(Static, StaticRoot) {
		t.Error("the CSRF exemptions' prefixes no longer cover their routes")
	}
	if got := ReceiptPath("INV-1", "a b&c"); got != "/orders/INV-1?k=a+b%26c" {
		t.Errorf("ReceiptPath escapes the key as %q", got)
	}
}
