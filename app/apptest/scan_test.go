package apptest

import (
	"bytes"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorilla/sessions"
)

func TestMain(m *testing.M) { Main(m) }

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
