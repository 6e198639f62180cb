// Package i18n owns the shopper's language: the message catalogs (Bahasa
// Indonesia, the default, and English), choosing a language from a request,
// and writing money and dates the way that language does. Texts are message
// keys everywhere else; they become words only here, at display time, so
// nothing translated is ever stored.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The languages a shopper can read the shop in. Indonesian comes first: it
// is the default and what an unknown Accept-Language gets.
const (
	Indonesian = "id"
	English    = "en"
	Default    = Indonesian
)

// Language is a language the shop speaks, with its own name for itself
// (shown as is in the language switch, whatever the page's language).
type Language struct{ Code, Name string }

// Languages are the shop's languages, the default first.
var Languages = []Language{{Indonesian, "Bahasa Indonesia"}, {English, "English"}}

var tags = []language.Tag{language.Indonesian, language.English}

//go:embed locales/*.json
var files embed.FS

var (
	texts    = map[string]map[string]string{} // language → key → text, as loaded
	cat      = catalog.NewBuilder(catalog.Fallback(language.English))
	matcher  = language.NewMatcher(tags)
	printers = map[string]*Localizer{}
)

func init() {
	for i, l := range Languages {
		b, err := files.ReadFile("locales/" + l.Code + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", l.Code, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", l.Code, err))
		}
		texts[l.Code] = m
		for k, v := range m {
			if err := cat.SetString(tags[i], k, v); err != nil {
				panic(fmt.Sprintf("i18n: catalog %s, %s: %v", l.Code, k, err))
			}
		}
		printers[l.Code] = &Localizer{lang: l.Code, p: message.NewPrinter(tags[i], message.Catalog(cat))}
	}
	// Written once: a text without arguments never changes, and x/text's
	// Sprintf builds a printer state per call (a tenth of a page's CPU).
	for _, loc := range printers {
		loc.plain = map[string]string{}
		for _, m := range texts {
			for k := range m {
				loc.plain[k] = loc.p.Sprintf(k)
			}
		}
		loc.group = loc.p.Sprintf("%d", 1000)[1]
		// So is the parse of a text whose arguments are all strings.
		loc.fills = map[string]filling{}
		for k, text := range texts[loc.lang] {
			if f, ok := parseFilling(text); ok {
				loc.fills[k] = f
			}
		}
	}
}

// Localizer writes texts, money and dates in one language.
type Localizer struct {
	lang  string
	p     *message.Printer
	plain map[string]string  // key → its text, for the messages T is given no arguments for
	fills map[string]filling // key → its text to fill, for those with string arguments only
	group byte               // the thousands separator Money writes
}

// For returns the localizer of lang, or of the default language when the
// shop does not speak lang.
func For(lang string) *Localizer {
	if l, ok := printers[lang]; ok {
		return l
	}
	return printers[Default]
}

// Supported reports whether the shop speaks lang (a code as in Languages).
func Supported(lang string) bool { _, ok := printers[lang]; return ok }

// Match picks the shop's language for an Accept-Language header: the
// default when it names none the shop speaks.
func Match(acceptLanguage string) string {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(prefs...)
	if conf == language.No {
		return Default
	}
	return Languages[i].Code
}

// Lang is the localizer's language code ("id" or "en"), for <html lang>.
func (l *Localizer) Lang() string { return l.lang }

// T writes the message key in the localizer's language, its arguments
// placed by the message's fmt verbs (numbers grouped the language's way).
func (l *Localizer) T(key string, args ...any) string {
	if len(args) == 0 {
		if s, ok := l.plain[key]; ok {
			return s
		}
	} else if f, ok := l.fills[key]; ok {
		if s, ok := f.fill(args); ok {
			return s
		}
	}
	return l.p.Sprintf(key, args...)
}

// Has reports whether key is a message of the catalog.
func Has(key string) bool { _, ok := texts[Default][key]; return ok }

// Money writes whole rupiah: "Rp 1.250.000" in Indonesian, "Rp 1,250,000"
// in English.
func (l *Localizer) Money(idr int64) string {
	// Grouped here rather than by the printer: the same digits as its "%d"
	// (TestMoneyGroupsAsThePrinterDoes), at a twentieth of the cost.
	var buf [32]byte
	var digitBuf [20]byte
	b := buf[:0]
	u := uint64(idr)
	if idr < 0 {
		b = append(b, '-')
		u = -u
	}
	b = append(b, "Rp "...)
	digits := strconv.AppendUint(digitBuf[:0], u, 10)
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, l.group)
		}
		b = append(b, d)
	}
	return string(b)
}

// wib is Western Indonesia Time, the merchant's clock.
var wib = time.FixedZone("WIB", 7*3600)

// Date writes a moment in WIB: "2 Des 2026, 09.22 WIB" in Indonesian,
// "2 Dec 2026, 09:22 WIB" in English.
func (l *Localizer) Date(t time.Time) string {
	t = t.In(wib)
	two := func(n int) string { return fmt.Sprintf("%02d", n) }
	return l.T("date.format", strconv.Itoa(t.Day()), l.T("date.month."+strconv.Itoa(int(t.Month()))),
		strconv.Itoa(t.Year()), two(t.Hour()), two(t.Minute()))
}

// Status writes an order status code (SUCCESS, FAILED, PENDING…) as the
// shopper's badge reads it.
func (l *Localizer) Status(code string) string {
	if Has("status." + code) {
		return l.T("status." + code)
	}
	return code
}

// Keys lists the keys of lang's catalog, sorted; tests hold the catalogs
// to each other with it.
func Keys(lang string) []string {
	keys := make([]string, 0, len(texts[lang]))
	for k := range texts[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Raw is lang's catalog text of key, verbs unfilled ("" when missing).
func Raw(lang, key string) string { return texts[lang][key] }

// Phrase is a text decided where its words are not known (the payment
// package): a message key, its one argument if any, and a bank's response
// code to show after it. Comparable, so a Phrase can sit in a test's want.
type Phrase struct {
	Key  string // "" says nothing
	Arg  string // %[1]s of the message, when it has one
	Code string // shown after the text: "Declined by your bank (05)"
}

// Say writes p; "" for an empty Phrase.
func (l *Localizer) Say(p Phrase) string {
	if p.Key == "" {
		return ""
	}
	var s string
	if p.Arg != "" {
		s = l.T(p.Key, p.Arg)
	} else {
		s = l.T(p.Key)
	}
	if p.Code != "" {
		s = l.T("answer.with_code", s, p.Code)
	}
	return s
}
