package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"doku-checkout/i18n"
)

// Both catalogs hold the same keys, none empty, each with the same fmt
// verbs in both languages: a shopper never meets a key or a missing word.
func TestEveryMessageHasBothLanguages(t *testing.T) {
	id, en := i18n.Keys(i18n.Indonesian), i18n.Keys(i18n.English)
	if len(id) < 100 {
		t.Fatalf("id catalog has %d keys; not loaded?", len(id))
	}
	for _, k := range id {
		if i18n.Raw(i18n.English, k) == "" {
			t.Errorf("%s: no English", k)
		}
	}
	for _, k := range en {
		if i18n.Raw(i18n.Indonesian, k) == "" {
			t.Errorf("%s: no Bahasa Indonesia", k)
		}
	}
	verbs := regexp.MustCompile(`%(\[\d+\])?[a-z]`)
	for _, k := range id {
		a, b := verbs.FindAllString(i18n.Raw(i18n.Indonesian, k), -1), verbs.FindAllString(i18n.Raw(i18n.English, k), -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("%s: verbs %v in id, %v in en", k, a, b)
		}
	}
}

// keyLiteral is a string literal shaped like a message key of one of the
// catalog's namespaces.
var keyLiteral = regexp.MustCompile(`"((?:layout|nav|status|catalog|lines|cart|checkout|field|validate|receipt|answer|bank|orders|cards|auth|error|mail|date)\.[a-z0-9_.]*[a-z0-9_])"`)

// Every message key the shopper-facing code names is in the catalogs:
// a key misspelt or not yet translated fails here, not in a shopper's
// browser.
func TestEveryKeyInTheCodeIsInTheCatalogs(t *testing.T) {
	var files []string
	for _, glob := range []string{"../views/*.templ", "../views/*.go", "../handlers/*.go", "../payment/*.go", "../mail/*.go"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") || strings.Contains(filepath.Base(f), "admin") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if strings.HasSuffix(key, ".js") || strings.HasSuffix(key, ".css") { // static files, not keys
				continue
			}
			found++
			if !i18n.Has(key) && !hasPrefix(key) {
				t.Errorf("%s: key %q is not in the catalogs", f, key)
			}
		}
	}
	if found < 150 {
		t.Errorf("found %d keys in the code; the scan is broken", found)
	}
}

// hasPrefix: key is the stem of keys built at run time ("status." + code).
func hasPrefix(key string) bool {
	for _, k := range i18n.Keys(i18n.English) {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

func TestMoneyAndDatesFollowTheLanguage(t *testing.T) {
	at := time.Date(2026, 12, 2, 2, 22, 0, 0, time.UTC) // 09:22 WIB
	for _, tc := range []struct{ lang, money, neg, date, may string }{
		{"id", "Rp 1.250.000", "-Rp 5.000", "2 Des 2026, 09.22 WIB", "1 Mei 2026, 07.05 WIB"},
		{"en", "Rp 1,250,000", "-Rp 5,000", "2 Dec 2026, 09:22 WIB", "1 May 2026, 07:05 WIB"},
	} {
		l := i18n.For(tc.lang)
		if got := l.Money(1250000); got != tc.money {
			t.Errorf("%s: Money = %q, want %q", tc.lang, got, tc.money)
		}
		if got := l.Money(-5000); got != tc.neg {
			t.Errorf("%s: Money(-5000) = %q, want %q", tc.lang, got, tc.neg)
		}
		if got := l.Money(0); got != "Rp 0" {
			t.Errorf("%s: Money(0) = %q", tc.lang, got)
		}
		if got := l.Date(at); got != tc.date {
			t.Errorf("%s: Date = %q, want %q", tc.lang, got, tc.date)
		}
		if got := l.Date(time.Date(2026, 5, 1, 0, 5, 0, 0, time.UTC)); got != tc.may {
			t.Errorf("%s: Date = %q, want %q", tc.lang, got, tc.may)
		}
	}
}

func TestAcceptLanguagePicksTheShopsLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"": "id", "id": "id", "id-ID,id;q=0.9,en;q=0.8": "id", "en-US,en;q=0.9": "en", "en-GB": "en",
		"fr-FR,fr;q=0.9": "id", "fr;q=0.9,en;q=0.5": "en", "ms": "id", "garbage;;q=x": "id", "*": "id",
	} {
		if got := i18n.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
	if i18n.For("fr").Lang() != "id" || !i18n.Supported("en") || i18n.Supported("fr") {
		t.Error("an unknown language must read as the default, Bahasa Indonesia")
	}
}

func TestPhrase(t *testing.T) {
	id, en := i18n.For("id"), i18n.For("en")
	p := i18n.Phrase{Key: "bank.05", Code: "05"}
	if got := id.Say(p); got != "Kartu ditolak oleh bank (05)" {
		t.Errorf("id: %q", got)
	}
	if got := en.Say(p); got != "Declined by your bank (05)" {
		t.Errorf("en: %q", got)
	}
	if got := en.Say(i18n.Phrase{Key: "answer.gateway_refused", Arg: "INVALID_FIELD"}); got != "Refused by the payment gateway (INVALID_FIELD)" {
		t.Errorf("en refused: %q", got)
	}
	if en.Say(i18n.Phrase{}) != "" {
		t.Error("an empty phrase says nothing")
	}
}
