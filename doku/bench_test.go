package doku

import (
	"bytes"
	"testing"

	"doku-checkout/doku/signature"
)

// benchComponents is a typical POST signature: the contract's first vector.
var benchComponents = signature.Components{
	ClientID:  "MCH-0001-10791114622547",
	RequestID: "b154c582-4501-436a-8012-0346f2a46b47",
	Timestamp: "2021-08-24T08:46:42Z",
	Target:    "/credit-card/charge",
	Digest:    "VfWTNyG/koB+n0Mf3S7KCvjcR9gKdLLhNIGEInx2/Ec=",
}

const benchKey = "SK-hCJ42G28TA0MKG9LE2E5"

func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = signature.Sign(benchKey, benchComponents)
	}
}

func BenchmarkVerify(b *testing.B) {
	sig := signature.Sign(benchKey, benchComponents)
	b.ReportAllocs()
	for b.Loop() {
		if !signature.Verify(benchKey, benchComponents, sig) {
			b.Fatal("signature.Verify rejected a good signature")
		}
	}
}

func BenchmarkDigest1KB(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_ = signature.Digest(body)
	}
}
