package apptest

import (
	"bytes"
	"database/sql"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"doku-checkout/handlers"
	"doku-checkout/payment"
	"doku-checkout/staff"
	"doku-checkout/store/pgtest"
)

// testPANs are every card number the tests type: docs/doku-api.md §14.
var testPANs = []string{
	"4111111111111111", "5573381011111101", "4000000000000002", "4000000000009995",
	"4000000000000101", "4000000000000259", "4000000000000119", "4000000000000341",
	"4000000000000200", "3530111333300000", "378282246310005",
	"4111111111111112", // the Luhn-failing typo of TestCheckoutValidation
}

// testCVVs are the security codes the tests type. "123" is the browser
// walk's code; "737" and "7373" (AMEX) are the suite's distinctive ones.
var testCVVs = []string{"737", "7373", "123"}

// Main runs the package's tests (call it from TestMain), then searches
// everything the apps they started left behind — every database with its
// -wal and -shm, every log, every cookie a test client received — for a
// card number or a security code, and fails the run if it finds one.
//
// While fuzzing (-test.fuzz), the scan does not run: the fuzzer types
// random text in every field, card-like numbers included, and the app keeps
// a name or an address as typed. `go test` runs the fuzz seeds, and scans.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "doku-checkout-app-tests-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "artifacts dir:", err)
		os.Exit(1)
	}
	artifacts = dir
	if !flag.Parsed() {
		flag.Parse()
	}
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		fuzzing.Store(true)
	}
	// Back-office accounts hash with bcrypt's lowest cost here: set once,
	// before any app runs, so no test races on it.
	staff.FastHashesForTests()
	code := m.Run()
	pgtest.Stop()
	if fuzzing.Load() {
		os.RemoveAll(dir)
		os.Exit(code)
	}
	scanStart := time.Now()
	files := countFiles(dir)
	leaks, err := scanArtifacts(dir)
	leaks = append(leaks, scanCookies()...)
	if dbs, logs := countSuffix(dir, ".db"), countSuffix(dir, ".log"); artifactSeq.Load() > 0 && (dbs == 0 || logs == 0) {
		// Apps ran, so a scan of nothing would pass for the wrong reason.
		err = fmt.Errorf("%d apps ran but %d databases and %d logs were found in %s", artifactSeq.Load(), dbs, logs, dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "CARD DATA SCAN could not run:", err)
		code = 1
	}
	// The directory goes in every case: what a leak left there is card data.
	os.RemoveAll(dir)
	if len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "CARD DATA SCAN FAILED: %d finding(s) in what the tests left behind:\n", len(leaks))
		for i, l := range leaks {
			if i == 20 {
				fmt.Fprintf(os.Stderr, "  … and %d more\n", len(leaks)-20)
				break
			}
			fmt.Fprintf(os.Stderr, "  %s\n", l)
		}
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "card data scan: clean (%d apps, %d files, %d cookies, %s)\n", artifactSeq.Load(), files, cookieCount(), time.Since(scanStart).Round(time.Millisecond))
	os.Exit(code)
}

// artifacts holds every database, log and cookie capture the apps of this
// test binary produce; Main searches it for card data after the run, then
// removes it. Empty outside Main: apps then use t.TempDir.
var artifacts string

var artifactSeq atomic.Int64

// fuzzing is set while the fuzzer runs: nothing is scanned, so no cookie
// is kept for the scan either.
var fuzzing atomic.Bool

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// ArtifactDir is a fresh directory for one app of test tb, scanned by Main.
func ArtifactDir(tb testing.TB) string {
	tb.Helper()
	if artifacts == "" {
		return tb.TempDir()
	}
	dir := filepath.Join(artifacts, fmt.Sprintf("%03d-%s", artifactSeq.Add(1), unsafeName.ReplaceAllString(tb.Name(), "_")))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// seenCookies are the Set-Cookie headers every test client received, with
// the app that set them, for the final scan.
var seenCookies struct {
	sync.Mutex
	list []seenCookie
}

type seenCookie struct {
	header string
	app    *App
}

// CookieRecorder is a transport that notes the Set-Cookie headers of every
// response for the card data scan.
type CookieRecorder struct {
	Next http.RoundTripper
	App  *App
}

// RoundTrip sends req with Next and records the cookies set.
func (c CookieRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.Next.RoundTrip(req)
	if err == nil && !fuzzing.Load() {
		if hs := resp.Header.Values("Set-Cookie"); len(hs) > 0 {
			seenCookies.Lock()
			for _, h := range hs {
				seenCookies.list = append(seenCookies.list, seenCookie{header: h, app: c.App})
			}
			seenCookies.Unlock()
		}
	}
	return resp, err
}

// finding is one piece of card data found where it must never be.
type finding struct{ where, what string }

func (f finding) String() string { return f.where + ": " + f.what }

var (
	// cvvKeyed is a security code under a name that says what it is, in a
	// form (card_cvv=737), JSON ("cvv":"737") or a log line (cvv=737).
	cvvKeyed = regexp.MustCompile(`^(?i)(cvv|cvc|csc|security[_ -]?code)["'\\]*\s*[:=]\s*["'\\]*\d{3,4}\b`)
	cvvNames = [][]byte{[]byte("cvv"), []byte("cvc"), []byte("csc"), []byte("security")}
	// cvvValued finds the tests' codes as a value: "737", =737& or :737,
	// also URL- or JSON-quoted.
	cvvValued = regexp.MustCompile(`(["=:]|%22|%3[Dd]|\\")(` + strings.Join(testCVVs, "|") + `)(["&,;}\s]|%22|%26|\\"|$)`)
	// panForms are the ways a test PAN may be written: plain, and grouped
	// with spaces, dashes or URL-encoded spaces as shoppers type it.
	panForms = func() [][]byte {
		var out [][]byte
		for _, p := range testPANs {
			out = append(out, []byte(p))
			groups := []int{4, 4, 4, 4}
			if len(p) == 15 {
				groups = []int{4, 6, 5}
			}
			var parts []string
			for i, g := range groups {
				at := 0
				for _, h := range groups[:i] {
					at += h
				}
				parts = append(parts, p[at:at+g])
			}
			for _, sep := range []string{" ", "-", "+", "%20"} {
				out = append(out, []byte(strings.Join(parts, sep)))
			}
		}
		return out
	}()
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// indexAll lists where sep starts in b.
func indexAll(b, sep []byte) []int {
	var out []int
	for at := 0; ; {
		i := bytes.Index(b[at:], sep)
		if i < 0 {
			return out
		}
		out = append(out, at+i)
		at += i + 1
	}
}

// scanText finds card data in b (a file, a log, a cookie): a test PAN in any
// typed form; any Luhn-valid number of 13–19 digits with a card brand's
// prefix standing alone (inside random hex it is no card number); a
// security code next to its name, or one of the tests' codes as a value.
// Plain byte searches pick the places, the patterns only read around them:
// the scan covers megabytes of databases quickly, even under -race.
func scanText(where string, b []byte) []finding {
	var out []finding
	for _, p := range panForms {
		if i := bytes.Index(b, p); i >= 0 {
			out = append(out, finding{where, fmt.Sprintf("card number %s at byte %d", p, i)})
		}
	}
	for i := 0; i < len(b); {
		if !isDigit(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if n := string(b[i:j]); len(n) >= 13 && len(n) <= 19 && (i == 0 || !isAlnum(b[i-1])) && (j == len(b) || !isAlnum(b[j])) &&
			payment.Luhn(n) && payment.Brand(n) != "" {
			out = append(out, finding{where, "card-like number " + n})
		}
		i = j
	}
	lower := bytes.ToLower(b)
	for _, name := range cvvNames {
		for _, i := range indexAll(lower, name) {
			if m := cvvKeyed.Find(b[i:min(len(b), i+64)]); m != nil {
				out = append(out, finding{where, fmt.Sprintf("security code %q", m)})
			}
		}
	}
	for _, cvv := range testCVVs {
		for _, i := range indexAll(b, []byte(cvv)) {
			if m := cvvValued.Find(b[max(0, i-3):min(len(b), i+len(cvv)+3)]); m != nil {
				out = append(out, finding{where, fmt.Sprintf("a test security code as a value: %q", m)})
			}
		}
	}
	return out
}

// scanArtifacts reads every file under dir as bytes first (databases, -wal,
// -shm, logs: nothing is opened as a database, so nothing is checkpointed
// before it is read), then reads every text cell of every database and
// refuses one that is exactly a test security code.
func scanArtifacts(dir string) ([]finding, error) {
	var out []finding
	var dbs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, scanText(rel, b)...)
		if strings.HasSuffix(path, ".db") {
			dbs = append(dbs, path)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	for _, path := range dbs {
		f, err := scanCells(path)
		if err != nil {
			return out, err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, x := range f {
			out = append(out, finding{rel, x})
		}
	}
	return out, nil
}

// scanCells lists text cells of the database at path that hold a test
// security code on its own, or a column named like card data.
func scanCells(path string) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tables, err := column(db, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []string
	for _, table := range tables {
		cols, err := column(db, `SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, col := range cols {
			if l := strings.ToLower(col); strings.Contains(l, "cvv") || strings.Contains(l, "cvc") || l == "pan" || l == "card_number" {
				out = append(out, fmt.Sprintf("column %s.%s is named for card data", table, col))
			}
			cells, err := column(db, fmt.Sprintf(`SELECT CAST(%q AS TEXT) FROM %q WHERE typeof(%q) = 'text'`, col, table, col))
			if err != nil {
				return nil, fmt.Errorf("%s: %s.%s: %w", path, table, col, err)
			}
			for _, v := range cells {
				for _, cvv := range testCVVs {
					if strings.TrimSpace(v) == cvv {
						out = append(out, fmt.Sprintf("%s.%s holds the security code %q", table, col, v))
					}
				}
			}
		}
	}
	return out, nil
}

func column(db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}

// scanCookies searches every Set-Cookie a test client received: as sent,
// and the session cookie decrypted with its app's keys (encrypted, a card
// number would not show in the raw header). A session cookie that cannot be
// decoded is a finding too: it could not be checked.
func scanCookies() []finding {
	seenCookies.Lock()
	defer seenCookies.Unlock()
	var out []finding
	for i, c := range seenCookies.list {
		where := fmt.Sprintf("cookie #%d", i)
		out = append(out, scanText(where, []byte(c.header))...)
		ck, err := http.ParseSetCookie(c.header)
		if err != nil || ck.Name != "dc_session" || ck.Value == "" || c.app == nil {
			continue
		}
		values, err := decodeSession(ck, c.app.Keys)
		if err != nil {
			out = append(out, finding{where, "session cookie could not be decoded to be scanned: " + err.Error()})
			continue
		}
		out = append(out, scanText(where+" (decoded)", []byte(values))...)
	}
	return out
}

// decodeSession returns the session cookie's values as text.
func decodeSession(ck *http.Cookie, keys [][]byte) (string, error) {
	if len(keys) == 0 {
		return "", fmt.Errorf("no keys")
	}
	values, err := handlers.DecodeSessionCookie(ck.Value, keys...)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%v", values), nil
}

func cookieCount() int {
	seenCookies.Lock()
	defer seenCookies.Unlock()
	return len(seenCookies.list)
}

func countSuffix(dir, suffix string) int {
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, suffix) {
			n++
		}
		return nil
	})
	return n
}

func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}
