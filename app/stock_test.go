package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"doku-checkout/app/apptest"
	"doku-checkout/store"
)

// Two shoppers, one item left, both pay at the same moment: one reaches
// 3-D Secure and pays, the other is told on the checkout page that it sold
// out, and DOKU never hears of their order (no 3-D Secure, no charge).
func TestTwoShoppersOneItemLeft(t *testing.T) {
	a := apptest.Start(t, apptest.Recorded())
	one := int64(1)
	p := store.AdminProduct{Product: store.Product{Name: "Keris Pusaka", Description: "The last one", PriceIDR: 500000, Image: "wayang.svg"}, Stock: &one}
	if err := a.Store.CreateProduct(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(p.ID, 10)
	shoppers := []*apptest.Shopper{apptest.NewShopper(t, a), apptest.NewShopper(t, a)}
	reqs := make([]*http.Request, len(shoppers))
	for i, s := range shoppers {
		s.AddToCart(id, "1")
		s.Get("/checkout")
		reqs[i] = s.FormRequest(`form[action="/checkout"]`, apptest.Card("4111111111111111", "123"))
	}
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	answers := make([]answer, len(shoppers))
	var wg sync.WaitGroup
	for i, s := range shoppers {
		wg.Go(func() {
			resp, err := s.Client.Do(reqs[i])
			if err != nil {
				answers[i].err = err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			answers[i] = answer{resp: resp, body: body, err: err}
		})
	}
	wg.Wait()
	winner, loser := -1, -1
	for i, ans := range answers {
		if ans.err != nil {
			t.Fatalf("shopper %d: %v", i, ans.err)
		}
		doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(ans.body))
		switch {
		case doc.Find("#otp").Length() == 1:
			winner = i
			s := shoppers[i]
			s.Resp, s.Body, s.Doc = ans.resp, string(ans.body), doc
		case ans.resp.StatusCode == http.StatusConflict && strings.Contains(doc.Find(`[data-testid="form-error"]`).Text(), "Keris Pusaka is sold out"):
			loser = i
		default:
			t.Errorf("shopper %d: %d at %s, want the 3DS page or a sold-out message\n%s", i, ans.resp.StatusCode, ans.resp.Request.URL, ans.body)
		}
	}
	if winner < 0 || loser < 0 {
		t.Fatalf("winner %d, loser %d: want one of each", winner, loser)
	}
	w := shoppers[winner].OTP("123456")
	if got := w.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("winner's receipt: %q, want SUCCESS", got)
	}
	if n := a.DOKU.ChargeTotal(); n != 1 {
		t.Errorf("charges sent to DOKU: %d, want 1 (the winner's)", n)
	}
	invoices := map[string]bool{}
	for _, c := range a.DOKU.Calls() {
		invoices[c.Invoice] = true
	}
	delete(invoices, "")
	if len(invoices) != 1 || !invoices[w.Text("invoice-number")] {
		t.Errorf("invoices DOKU heard of: %v, want only the winner's %s", invoices, w.Text("invoice-number"))
	}
	// The loser tries again: still sold out, still nothing sent.
	l := shoppers[loser]
	l.Checkout(apptest.Card("4111111111111111", "123"))
	if l.Resp.StatusCode != http.StatusConflict || !strings.Contains(l.Text("form-error"), "No money was taken") {
		t.Errorf("loser again: %d %q, want 409 sold out", l.Resp.StatusCode, l.Text("form-error"))
	}
	if n := a.DOKU.ChargeTotal(); n != 1 {
		t.Errorf("charges after the loser's retry: %d, want 1", n)
	}
}
