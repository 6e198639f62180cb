package i18n

import (
	"math"
	"testing"
)

// The fast paths must write exactly what x/text's printer writes.

func TestMoneyGroupsAsThePrinterDoes(t *testing.T) {
	values := []int64{0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 99999, 100000, 999999,
		1000000, 1250000, 123456789, 1000000000000, math.MaxInt64, -1, -999, -1000, -5000, -1234567, math.MinInt64 + 1}
	for n := int64(1); n < 1e15; n = n*7 + 3 {
		values = append(values, n, -n)
	}
	for _, lang := range []string{Indonesian, English} {
		l := For(lang)
		for _, v := range values {
			want := "Rp " + l.p.Sprintf("%d", v)
			if v < 0 {
				want = "-Rp " + l.p.Sprintf("%d", -v)
			}
			if got := l.Money(v); got != want {
				t.Errorf("%s: Money(%d) = %q, the printer writes %q", lang, v, got, want)
			}
		}
	}
}

func TestPlainTextsAreThePrintersOwn(t *testing.T) {
	for _, lang := range []string{Indonesian, English} {
		l := For(lang)
		for _, m := range texts {
			for k := range m {
				if got, want := l.T(k), l.p.Sprintf(k); got != want {
					t.Errorf("%s: T(%q) = %q, the printer writes %q", lang, k, got, want)
				}
			}
		}
		// Not in the catalogs: still the printer's answer.
		if got, want := l.T("no.such.key"), l.p.Sprintf("no.such.key"); got != want {
			t.Errorf("%s: unknown key: %q, want %q", lang, got, want)
		}
	}
}

func BenchmarkT(b *testing.B) {
	l := For(Indonesian)
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			_ = l.T("catalog.title")
		}
	})
	b.Run("printer", func(b *testing.B) {
		for b.Loop() {
			_ = l.p.Sprintf("catalog.title")
		}
	})
	b.Run("money", func(b *testing.B) {
		for b.Loop() {
			_ = l.Money(1250000)
		}
	})
	b.Run("money-printer", func(b *testing.B) {
		for b.Loop() {
			_ = "Rp " + l.p.Sprintf("%d", 1250000)
		}
	})
}
