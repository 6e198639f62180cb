package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"doku-checkout/app/apptest"
	"doku-checkout/store"
)

// seedOrders writes n orders straight into the SQLite file at dbPath in one
// transaction (seconds, not the minutes n checkouts would take): one a
// minute going back from now, mostly SUCCESS, every 50th REFUNDED, every
// 7th FAILED, 5,000 distinct shoppers. It returns the first one's id.
func seedOrders(tb testing.TB, dbPath string, n int) (firstID int64) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO orders (invoice, ref, mode, status, amount_idr, name, email, phone, address, country,
		card_masked, card_brand, approval_code, response_code, charge_request_id, created_at, updated_at, captured_idr, refunded_idr)
		VALUES (?, ?, 'direct', ?, ?, ?, ?, '6281234567890', 'Jl. Merdeka No. 10, Bandung', 'ID', '411111******1111', 'VISA', '123456', '0000', ?, ?, ?, ?, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	for i := range n {
		status, amount := "SUCCESS", int64(50000+(i%40)*5000)
		captured, refunded := amount, int64(0)
		switch {
		case i%50 == 0:
			status, refunded = "REFUNDED", amount
		case i%7 == 0:
			status, captured = "FAILED", 0
		}
		at := start.Add(time.Duration(i) * time.Minute).UnixMilli()
		shopper := i % 5000
		res, err := stmt.ExecContext(ctx, fmt.Sprintf("INV-SEED-%06d", i), fmt.Sprintf("ref-seed-%06d", i), status, amount,
			fmt.Sprintf("Pembeli Nomor%04d", shopper), fmt.Sprintf("buyer%04d@example.com", shopper),
			fmt.Sprintf("req-seed-%06d", i), at, at, captured, refunded)
		if err != nil {
			tb.Fatal(err)
		}
		if i == 0 {
			firstID, _ = res.LastInsertId()
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return firstID
}

// The back office's order list and CSV export at 100,000 orders: the first
// page, a page deep in the keyset, searches by invoice, e-mail and part of
// a name, a status filter, a date range, and the whole export.
func BenchmarkAdminOrders100k(b *testing.B) {
	const n = 100_000
	a := apptest.Start(b, apptest.InProcess(), apptest.Env(map[string]string{"PUBLIC_URL": "http://127.0.0.1:8080", "LOG_LEVEL": "error"}))
	seeded := time.Now()
	oldest := seedOrders(b, a.DB, n)
	b.Logf("seeded %d orders in %s", n, time.Since(seeded).Round(time.Millisecond))
	owner := apptest.NewStaff(b, a, "owner@example.com", store.RoleOwner)
	u, _ := url.Parse(a.URL + "/admin/")
	cookies := owner.Client.Jar.Cookies(u)
	day := time.Now().Add(-30 * 24 * time.Hour).Format("2006-01-02")
	for _, c := range []struct{ name, path, want string }{
		{"first page", "/admin/orders", "INV-SEED-099999"},
		{"deep keyset page", fmt.Sprintf("/admin/orders?before=%d", oldest+100), "INV-SEED-000099"},
		{"search invoice", "/admin/orders?q=INV-SEED-054321", "INV-SEED-054321"},
		{"search email", "/admin/orders?q=buyer4321@example.com", "INV-SEED-099321"},
		{"search part of a name", "/admin/orders?q=Nomor4321", "INV-SEED-099321"},
		{"status REFUNDED", "/admin/orders?status=REFUNDED", "INV-SEED-099950"},
		{"one day", "/admin/orders?from=" + day + "&to=" + day, "INV-SEED-"},
		{"CSV export, all", "/admin/orders.csv", "INV-SEED-000000"},
	} {
		b.Run(c.name, func(b *testing.B) {
			get := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, c.path, nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				rec := httptest.NewRecorder()
				a.Handler.ServeHTTP(rec, req)
				return rec
			}
			if rec := get(); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), c.want) {
				b.Fatalf("GET %s: %d, holds %q: %v", c.path, rec.Code, c.want, strings.Contains(rec.Body.String(), c.want))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if rec := get(); rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", c.path, rec.Code)
				}
			}
		})
	}
}
