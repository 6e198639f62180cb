package app

import (
	"bytes"
	"database/sql"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"doku-checkout/payment"
)

// testPANs are every card number the app tests type: docs/doku-api.md §14.
var testPANs = []string{
	"4111111111111111", "5573381011111101", "4000000000000002", "4000000000009995",
	"4000000000000101", "4000000000000259", "4000000000000119", "4000000000000341",
	"4000000000000200", "3530111333300000", "378282246310005",
	"4111111111111112", // the Luhn-failing typo of TestCheckoutValidation
}

// testCVVs are the security codes the tests type. "123" is the e2e tests'
// code; "737" and "7373" (AMEX) are this suite's distinctive ones.
var testCVVs = []string{"737", "7373", "123"}

// TestMain runs the app tests, then searches everything they left behind —
// every database with its -wal and -shm, every log, every cookie a test
// client received — for a card number or a security code, and fails the run
// if it finds one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "doku-checkout-app-tests-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "artifacts dir:", err)
		os.Exit(1)
	}
	artifacts = dir
	code := m.Run()
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
	fmt.Fprintf(os.Stderr, "card data scan: clean (%d files, %d cookies, %s)\n", files, cookieCount(), time.Since(scanStart).Round(time.Millisecond))
	os.Exit(code)
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
		values, err := decodeSession(ck, c.app.keys)
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
	st := sessions.NewCookieStore(keys...)
	req, _ := http.NewRequest(http.MethodGet, "http://app.test/", nil)
	req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	s, err := st.Get(req, ck.Name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%v", s.Values), nil
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

// The scanner must be able to fail: planted card data of each kind is found,
// and the clean forms the app legitimately writes are not.
func TestLeakScannerFindsPlantedCardData(t *testing.T) {
	if artifacts == "" {
		t.Fatal("TestMain did not set up the artifacts directory")
	}
	scratch, err := os.MkdirTemp(artifacts, "scanner-self-check-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(scratch) // before the final scan, which would flag it
	planted := map[string]string{
		"plain.log":   `level=INFO msg=charge number=4000000000000259 amount=85000`,
		"spaced.log":  `card_number=4111 1111 1111 1111&name=Siti`,
		"amex.txt":    `{"card":"3782 822463 10005"}`,
		"urlenc.log":  `body=card_number%3D5573+3810+1111+1101`,
		"cvvform.log": `card_number=&card_cvv=737&save_card=1`,
		"cvvjson.log": `{"card":{"number":"","cvv":"7373"}}`,
		"cvvval.log":  `{"code":"737"}`,
	}
	for name, content := range planted {
		if err := os.WriteFile(filepath.Join(scratch, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A database that kept a code in a cell with no label at all.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(scratch, "planted.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (note TEXT); INSERT INTO t VALUES ('7373')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	found, err := scanArtifacts(scratch)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	for name := range planted {
		if !hasFinding(found, name) {
			t.Errorf("the scanner missed the card data planted in %s (found: %v)", name, found)
		}
	}
	// Any Luhn-valid number with a brand's prefix is caught, listed or not.
	if f := scanText("unlisted", []byte("pan 4000000000000259 seen")); !hasWhat(f, "card-like number 4000000000000259") {
		t.Errorf("the Luhn rule does not catch a card number: %v", f)
	}
	if !hasFinding(found, "planted.db") {
		t.Errorf("the scanner missed the security code in a database cell (found: %v)", found)
	}

	clean := `msg="charge executed" card=411111******1111 invoice=INV-20260101-0A1B2C3D4E amount=200000 took=1.234ms ` +
		`approval=123456 ts=1767225600123 request_id=8d3f4e57-1b0c-4e43-9b8e-2f1c1234567a otp=123456 expiry=1230 addr=127.0.0.1:37373`
	if f := scanText("clean", []byte(clean)); len(f) != 0 {
		t.Errorf("the scanner flags what the app legitimately writes: %v", f)
	}

	// A session cookie holding a card number is found once decrypted.
	keys := [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)}
	st := sessions.NewCookieStore(keys...)
	rec := &recorderWriter{h: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "http://app.test/", nil)
	s, _ := st.New(req, "dc_session")
	s.Values["flash"] = "card 4111111111111111"
	if err := st.Save(req, rec, s); err != nil {
		t.Fatal(err)
	}
	header := rec.h.Get("Set-Cookie")
	if f := scanText("raw", []byte(header)); len(f) != 0 {
		t.Fatalf("expected the raw cookie to hide the number (encrypted), found %v", f)
	}
	ck, _ := http.ParseSetCookie(header)
	values, err := decodeSession(ck, keys)
	if err != nil || len(scanText("decoded", []byte(values))) == 0 {
		t.Errorf("a card number in a session cookie is not found after decoding: %q, %v", values, err)
	}
}

func hasWhat(fs []finding, what string) bool {
	for _, f := range fs {
		if f.what == what {
			return true
		}
	}
	return false
}

func hasFinding(fs []finding, where string) bool {
	for _, f := range fs {
		if strings.Contains(f.where, where) {
			return true
		}
	}
	return false
}

// recorderWriter is the least http.ResponseWriter sessions.Save needs.
type recorderWriter struct{ h http.Header }

func (r *recorderWriter) Header() http.Header         { return r.h }
func (r *recorderWriter) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorderWriter) WriteHeader(int)             {}
