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

// Texts filled with string arguments read as the printer writes them,
// whatever the arguments hold; other arguments, or too few or too many,
// go to the printer.
func TestFilledTextsAreThePrintersOwn(t *testing.T) {
	odd := []string{"Rp 1.250.000", "50%", "%s", "<b>&amp;</b>", "", "Ñoño"}
	filled := 0
	for _, lang := range []string{Indonesian, English} {
		l := For(lang)
		for k, f := range l.fills {
			filled++
			for _, n := range []int{f.n - 1, f.n, f.n + 1} {
				if n < 0 {
					continue
				}
				args := make([]any, n)
				for i := range args {
					args[i] = odd[(i+len(k))%len(odd)] + "-" + k[:1]
				}
				if got, want := l.T(k, args...), l.p.Sprintf(k, args...); got != want {
					t.Errorf("%s: T(%q, %d args) = %q, the printer writes %q", lang, k, n, got, want)
				}
			}
			if got, want := l.T(k, 7), l.p.Sprintf(k, 7); f.n == 1 && got != want {
				t.Errorf("%s: T(%q, 7) = %q, the printer writes %q", lang, k, got, want)
			}
		}
	}
	if filled < 20 {
		t.Fatalf("only %d texts are filled without the printer", filled)
	}
	for _, bad := range []string{"%d", "%[1]d", "%%", "%[1]s %s", "%[2]s only", "%5s", "%[x]s", "%"} {
		if _, ok := parseFilling(bad); ok {
			t.Errorf("parseFilling(%q) took a text the printer must write", bad)
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
	b.Run("filled", func(b *testing.B) {
		for b.Loop() {
			_ = l.T("receipt.title", "INV-20261202-ABC")
		}
	})
	b.Run("filled-printer", func(b *testing.B) {
		for b.Loop() {
			_ = l.p.Sprintf("receipt.title", "INV-20261202-ABC")
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
