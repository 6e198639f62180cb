package doku

import (
	"errors"
	"net/http"
	"testing"

	"doku-checkout/doku/signature"
)

// FuzzVerify checks that Verify accepts exactly what Sign produces.
func FuzzVerify(f *testing.F) {
	f.Add("SK-hCJ42G28TA0MKG9LE2E5", "MCH-0001-10791114622547", "b154c582-4501-436a-8012-0346f2a46b47",
		"2021-08-24T08:46:42Z", "/credit-card/charge", "VfWTNyG/koB+n0Mf3S7KCvjcR9gKdLLhNIGEInx2/Ec=", false,
		"HMACSHA256=8A5La6tprN2iYWpbKP4CIMKREVAvl5wlt5yM3ZJ0nMA=")
	f.Add("k", "", "", "", "", "", true, "HMACSHA256=")
	f.Fuzz(func(t *testing.T, key, clientID, requestID, ts, target, digest string, response bool, sig string) {
		c := signature.Components{ClientID: clientID, RequestID: requestID, Timestamp: ts, Target: target, Digest: digest}
		if response {
			c.TimestampName = signature.HeaderResponseTimestamp
		}
		good := signature.Sign(key, c)
		if !signature.Verify(key, c, good) {
			t.Fatalf("signature.Verify rejected signature.Sign's own signature for %+v", c)
		}
		if signature.Verify(key, c, sig) != (sig == good) {
			t.Fatalf("signature.Verify(%q) = %v, but signature.Sign gives %q", sig, !(sig == good), good)
		}
		other := c
		other.Target += "x"
		if signature.StringToSign(other) != signature.StringToSign(c) && signature.Verify(key, other, good) {
			t.Fatalf("a signature verified for other components")
		}
	})
}

// FuzzVerifyNotification checks that arbitrary headers and bodies never
// panic and are never accepted unless correctly signed.
func FuzzVerifyNotification(f *testing.F) {
	f.Add(testClientID, "notif-1", "2021-01-27T03:24:23Z", "", []byte(notifyBody), true)
	f.Add(testClientID, "notif-1", "2021-01-27T03:24:23Z", "HMACSHA256=", []byte(`{}`), false)
	f.Add("", "", "", "", []byte(nil), false)
	f.Fuzz(func(t *testing.T, clientID, requestID, ts, sig string, body []byte, sign bool) {
		comp := signature.Components{ClientID: clientID, RequestID: requestID, Timestamp: ts, Target: notifyTarget, Digest: signature.Digest(body)}
		good := signature.Sign(testKey, comp)
		if sign {
			sig = good
		}
		h := http.Header{}
		h.Set(signature.HeaderClientID, clientID)
		h.Set(signature.HeaderRequestID, requestID)
		h.Set(signature.HeaderRequestTimestamp, ts)
		h.Set(signature.HeaderSignature, sig)
		n, err := VerifyNotificationWith(testClientID, testKey, h, notifyTarget, body)
		if (n == nil) == (err == nil) {
			t.Fatalf("got %v and %v, want exactly one", n, err)
		}
		if err == nil && (sig != good || clientID != testClientID) {
			t.Fatalf("accepted an unsigned notification: %q", sig)
		}
		if errors.Is(err, ErrBadNotification) && sig != good {
			t.Fatalf("decoded the body of an unsigned notification")
		}
	})
}
