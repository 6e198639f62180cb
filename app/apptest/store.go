package apptest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"doku-checkout/doku/signature"
	"doku-checkout/handlers"
	"doku-checkout/payment"
	"doku-checkout/store"
)

// Order reads the order with invoice from the app's store.
func (a *App) Order(tb testing.TB, invoice string) store.Order {
	tb.Helper()
	o, err := a.Store.OrderByInvoice(context.Background(), invoice)
	if err != nil {
		tb.Fatalf("order %s: %v", invoice, err)
	}
	return o
}

// WaitOrder polls the store until the order reaches want, or fails after within.
func (a *App) WaitOrder(tb testing.TB, invoice string, want payment.Status, within time.Duration) store.Order {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		o := a.Order(tb, invoice)
		if o.Status == want {
			return o
		}
		if time.Now().After(deadline) {
			tb.Fatalf("order %s is %s after %s, want %s", invoice, o.Status, within, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Events lists the order's recorded changes.
func (a *App) Events(tb testing.TB, o store.Order) []store.Event {
	tb.Helper()
	ev, err := a.Store.OrderEvents(context.Background(), o.ID)
	if err != nil {
		tb.Fatalf("events of %s: %v", o.Invoice, err)
	}
	return ev
}

// StatusPath is the order's states in the order it took them, from CREATED.
func (a *App) StatusPath(tb testing.TB, o store.Order) string {
	tb.Helper()
	var out []string
	for _, e := range a.Events(tb, o) {
		out = append(out, string(e.To))
	}
	return strings.Join(out, "→")
}

// CountOrders counts every order in the app's database.
func (a *App) CountOrders(tb testing.TB) int {
	tb.Helper()
	db, err := a.OpenDB()
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
		tb.Fatalf("count orders: %v", err)
	}
	return n
}

// State is what a refused request must not change: every cart line,
// order, customer and saved card, as counted in the database.
func (a *App) State(tb testing.TB) string {
	tb.Helper()
	db, err := a.OpenDB()
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	statuses := `GROUP_CONCAT(status)`
	if a.postgres() {
		statuses = `STRING_AGG(status, ',' ORDER BY id)`
	}
	var parts []string
	for _, q := range []string{
		`SELECT COUNT(*) || '/' || COALESCE(SUM(quantity), 0) FROM cart_items`,
		`SELECT COUNT(*) || '/' || COALESCE(` + statuses + `, '') FROM orders`,
		`SELECT COUNT(*) FROM customers`,
		`SELECT COUNT(*) FROM saved_cards WHERE deleted_at IS NULL`,
	} {
		var v string
		if err := db.QueryRow(q).Scan(&v); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " ")
}

// OpenRO opens the SQLite file at path read-only, beside its app.
func OpenRO(path string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
}

// NotificationBody is a DOKU card notification as the contract describes it.
func NotificationBody(invoice string, amount int64, status, chargeRequestID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"service":     map[string]string{"id": "CREDIT_CARD"},
		"acquirer":    map[string]string{"id": "BANK_MANDIRI"},
		"channel":     map[string]string{"id": "CREDIT_CARD"},
		"transaction": map[string]string{"status": status, "date": time.Now().UTC().Format(signature.TimestampLayout), "original_request_id": chargeRequestID},
		"order":       map[string]any{"invoice_number": invoice, "amount": amount},
		"card_payment": map[string]string{"masked": "400000******0259", "brand": "VISA", "approval_code": "424242",
			"response_code": "00", "response_message": "Approved"},
	})
	return b
}

// Notify POSTs body to the app's notification URL signed with secret (the
// app's own secret for a genuine notification) and returns the status.
func (a *App) Notify(tb testing.TB, body []byte, secret string) int {
	tb.Helper()
	code, err := a.TryNotify(body, secret)
	if err != nil {
		tb.Fatal(err)
	}
	return code
}

// TryNotify is Notify for goroutines: it reports errors instead of failing.
func (a *App) TryNotify(body []byte, secret string) (int, error) {
	ts := time.Now().UTC().Format(signature.TimestampLayout)
	c := signature.Components{ClientID: a.Config.ClientID, RequestID: uuid.NewString(), Timestamp: ts,
		Target: handlers.NotificationPath, Digest: signature.Digest(body)}
	req, _ := http.NewRequest(http.MethodPost, a.URL+handlers.NotificationPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signature.HeaderClientID, c.ClientID)
	req.Header.Set(signature.HeaderRequestID, c.RequestID)
	req.Header.Set(signature.HeaderRequestTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(secret, c))
	resp, err := a.Client(nil).Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// WaitMails polls the outbox until the order has n mails, or fails after
// within. Mails are queued by the sender's catch-up, just after the
// payment's commit, not on the shopper's request.
func (a *App) WaitMails(tb testing.TB, orderID int64, n int, within time.Duration) []store.OutboxMail {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		ms, err := a.Store.MailsOfOrder(context.Background(), orderID)
		if err != nil {
			tb.Fatalf("mails of order %d: %v", orderID, err)
		}
		if len(ms) >= n {
			if len(ms) > n {
				tb.Fatalf("order %d has %d mails, want %d", orderID, len(ms), n)
			}
			return ms
		}
		if time.Now().After(deadline) {
			tb.Fatalf("order %d has %d mails after %s, want %d", orderID, len(ms), within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
