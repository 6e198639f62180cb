package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestChallengePage(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MerchantName = `Toko <Budi> & "Sons"` })
	exp := futureExpiry()
	_, u := h.checkThreeDS(threeDSBody("INV-PAGE", 150000, "5573381011111101", exp))
	status, page := h.getPage(u)
	if status != http.StatusOK {
		t.Fatalf("GET challenge: got %d, want 200", status)
	}
	for _, want := range []string{"Rp 150.000", "557338******1101", `id="otp"`, `name="otp"`, `id="otp-submit"`, "Toko &lt;Budi&gt; &amp; &#34;Sons&#34;"} {
		if !strings.Contains(page, want) {
			t.Errorf("challenge page: missing %q", want)
		}
	}
	if strings.Contains(page, "5573381011111101") || strings.Contains(page, "<Budi>") {
		t.Errorf("challenge page: contains the full card number or unescaped text")
	}

	tests := []struct {
		name, card, otp, want string
	}{
		{"right OTP", "4111111111111111", "123456", successURL},
		{"wrong OTP", "4111111111111111", "654321", failedURL},
		{"empty OTP", "4111111111111111", "", failedURL},
		{"3DS failing card", "4000000000000101", "123456", failedURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			_, u := h.checkThreeDS(threeDSBody("", 1000, tc.card, exp))
			if got := h.submitOTP(u, tc.otp); got != tc.want {
				t.Errorf("Location: got %q, want %q", got, tc.want)
			}
			// A second submit does not change the outcome.
			if got := h.submitOTP(u, "123456"); got != tc.want {
				t.Errorf("second submit Location: got %q, want %q", got, tc.want)
			}
			status, page := h.getPage(u)
			if status != http.StatusOK || strings.Contains(page, `id="otp"`) {
				t.Errorf("completed page: got %d with OTP form %v, want 200 without", status, strings.Contains(page, `id="otp"`))
			}
		})
	}
	h.t = t
	status, _ = h.getPage(h.srv.URL + challengePath + "?" + url.Values{"authenticationId": {"nope"}}.Encode())
	if status != http.StatusNotFound {
		t.Errorf("unknown authentication page: got %d, want 404", status)
	}
}

func TestMaskAndFormat(t *testing.T) {
	for in, want := range map[string]string{"5573381011111101": "557338******1101", "378282246310005": "378282*****0005"} {
		if got := maskPAN(in); got != want {
			t.Errorf("maskPAN(%s): got %q, want %q", in, got, want)
		}
	}
	for in, want := range map[int64]string{0: "Rp 0", 999: "Rp 999", 1000: "Rp 1.000", 150000: "Rp 150.000", 999999999999: "Rp 999.999.999.999"} {
		if got := formatIDR(in); got != want {
			t.Errorf("formatIDR(%d): got %q, want %q", in, got, want)
		}
	}
	for n := range testCards {
		if checkCardNumber(n) != "" {
			t.Errorf("test card %s: got invalid (%s), want valid", n, checkCardNumber(n))
		}
	}
}
