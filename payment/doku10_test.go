package payment

// Issue 10 (DOKU as it is today) and issue 9 item 6 (what DOKU refuses is
// stopped before 3-D Secure), at the payment flow.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"doku-checkout/doku"
	"doku-checkout/store"
)

func customerWithCard(t *testing.T, st *store.Store, email, token string) (store.Customer, store.SavedCard) {
	t.Helper()
	ctx := context.Background()
	c := store.Customer{PublicID: "CUST-" + email, Email: email, Name: "Siti", PasswordHash: "x"}
	if err := st.CreateCustomer(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveCard(ctx, store.SavedCard{CustomerID: c.ID, Token: token, Masked: "411111******1111", Brand: "VISA", Expiry: "1230"}); err != nil {
		t.Fatal(err)
	}
	cards, err := st.SavedCards(ctx, c.ID)
	if err != nil || len(cards) != 1 {
		t.Fatalf("saved cards: %v %v", cards, err)
	}
	return c, cards[0]
}

// Item 1: removing a saved card deletes its token at DOKU (v2
// delete-token) at once.
func TestRemoveSavedCardDeletesTokenAtDOKU(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	ctx := context.Background()
	c, card := customerWithCard(t, st, "a@example.com", "tok-a")
	other, _ := customerWithCard(t, st, "b@example.com", "tok-b")
	if err := s.RemoveSavedCard(ctx, other.ID, card.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another customer's card: %v, want not found", err)
	}
	if len(gw.deleted) != 0 {
		t.Fatalf("DOKU asked to delete another customer's token: %v", gw.deleted)
	}
	if err := s.RemoveSavedCard(ctx, c.ID, card.ID); err != nil {
		t.Fatal(err)
	}
	if len(gw.deleted) != 1 || !strings.HasSuffix(gw.deleted[0], " tok-a") {
		t.Errorf("DOKU deletions %v, want tok-a once", gw.deleted)
	}
	if cards, _ := st.SavedCards(ctx, c.ID); len(cards) != 0 {
		t.Errorf("card still listed: %+v", cards)
	}
	if due, _ := st.DueTokenDeletions(ctx, time.Now().Add(24*time.Hour), 10); len(due) != 0 {
		t.Errorf("confirmed deletion kept for retry: %+v", due)
	}
}

// Item 1: when DOKU's delete fails, our card is gone anyway and the
// deletion is retried later, with the same Request-Id, until DOKU confirms.
func TestRemoveSavedCardRetriesWhenDOKUFails(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	ctx := context.Background()
	now := time.Now()
	s.now = func() time.Time { return now }
	st.SetClock(func() time.Time { return now })
	c, card := customerWithCard(t, st, "a@example.com", "tok-a")
	gw.deleteToken = func(string, string) error {
		return &doku.OutcomeUnknownError{Op: "delete token", Reason: "server error", HTTPStatus: 503}
	}
	if err := s.RemoveSavedCard(ctx, c.ID, card.ID); err != nil {
		t.Fatalf("remove with DOKU down: %v", err)
	}
	if cards, _ := st.SavedCards(ctx, c.ID); len(cards) != 0 {
		t.Fatalf("card kept because DOKU failed: %+v", cards)
	}
	if n := s.RetryTokenDeletions(ctx); n != 0 {
		t.Errorf("retried %d at once, want after a backoff", n)
	}
	now = now.Add(2 * time.Minute)
	if n := s.RetryTokenDeletions(ctx); n != 1 {
		t.Fatalf("retried %d, want 1", n)
	}
	gw.deleteToken = nil
	now = now.Add(10 * time.Minute)
	if n := s.RetryTokenDeletions(ctx); n != 1 {
		t.Fatalf("retried %d, want 1", n)
	}
	if len(gw.deleted) != 3 {
		t.Fatalf("DOKU calls %v, want 3", gw.deleted)
	}
	for _, d := range gw.deleted[1:] {
		if d != gw.deleted[0] {
			t.Errorf("retry sent %q, first was %q: want the same Request-Id and token", d, gw.deleted[0])
		}
	}
	now = now.Add(24 * time.Hour)
	if n := s.RetryTokenDeletions(ctx); n != 0 {
		t.Errorf("a confirmed deletion was retried again (%d)", n)
	}
	// A token DOKU no longer knows is as good as deleted.
	c2, card2 := customerWithCard(t, st, "c@example.com", "tok-c")
	gw.deleteToken = func(string, string) error {
		return &doku.APIError{Op: "delete token", HTTPStatus: 404, Code: "TOKEN_NOT_FOUND"}
	}
	if err := s.RemoveSavedCard(ctx, c2.ID, card2.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := st.DueTokenDeletions(ctx, now.Add(24*time.Hour), 10); len(due) != 0 {
		t.Errorf("404 kept for retry: %+v", due)
	}
}

// Item 1: cards saved on DOKU Checkout come back through the v2 list,
// with DOKU's "26/12" expiry read as MMYY 1226.
func TestSyncSavedCardsFromV2List(t *testing.T) {
	gw := &fakeGateway{}
	s, st := newTestService(t, gw)
	ctx := context.Background()
	c := store.Customer{PublicID: "CUST-1", Email: "a@example.com", Name: "Siti", PasswordHash: "x"}
	if err := st.CreateCustomer(ctx, &c); err != nil {
		t.Fatal(err)
	}
	gw.tokens = func(id string) (*doku.TokensResponse, error) {
		var r doku.TokensResponse
		if err := json.Unmarshal([]byte(`{"customer":{"id":"CUST-1"},"tokens":[{"id":"doku-gateway-creditcard","masked_account":"********5464","card":{"expiry":"26/12","brand":"VISA","issuer":"BCA","bin":123456}}]}`), &r); err != nil {
			t.Fatal(err)
		}
		return &r, nil
	}
	if err := s.SyncSavedCards(ctx, c); err != nil {
		t.Fatal(err)
	}
	cards, _ := st.SavedCards(ctx, c.ID)
	if len(cards) != 1 || cards[0].Token != "doku-gateway-creditcard" || cards[0].Masked != "********5464" || cards[0].Brand != "VISA" || cards[0].Expiry != "1226" {
		t.Errorf("saved %+v", cards)
	}
}

// Item 4: approval is payment.status alone. DOKU's own success sample has
// response_code 01; a FAILED answer with 00 is still a decline.
func TestApprovalIsPaymentStatusNotResponseCode(t *testing.T) {
	for _, tc := range []struct {
		status, code string
		want         Status
	}{
		{doku.StatusSuccess, "01", StatusSuccess},
		{doku.StatusSuccess, "", StatusSuccess},
		{doku.StatusSuccess, "11", StatusSuccess},
		{doku.StatusFailed, "00", StatusFailed},
		{doku.StatusPending, "00", StatusPending},
	} {
		t.Run(tc.status+"/"+tc.code, func(t *testing.T) {
			gw := &fakeGateway{charge: func(req doku.ChargeRequest) (*doku.ChargeResponse, error) {
				return chargeAnswer(req, tc.status, tc.code), nil
			}}
			s, st := newTestService(t, gw)
			o := awaiting3DS(t, s)
			if _, err := s.CompleteThreeDS(context.Background(), o.Ref, true); err != nil {
				t.Fatal(err)
			}
			wantCode := tc.code
			if tc.want == StatusPending {
				wantCode = "" // recorded once settled
			}
			got := statusOf(t, st, o.ID)
			if got.Status != tc.want || got.ResponseCode != wantCode {
				t.Errorf("order %s code %q, want %s code %q", got.Status, got.ResponseCode, tc.want, tc.code)
			}
			if tc.want == StatusSuccess && got.ResponseMessage != "Approved" {
				t.Errorf("paid order reads %q, want Approved whatever the code", got.ResponseMessage)
			}
		})
	}
}

// decodedStatus decodes a status answer as the client would.
func decodedStatus(t *testing.T, body string) *doku.StatusResponse {
	t.Helper()
	var n doku.StatusResponse
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

// Item 3: the July 2025 Check Status shape. ORDER_EXPIRED with no
// transaction closes a hosted order as expired; ORDER_GENERATED with no
// transaction leaves it open; 170000.0 is Rp 170.000; 170000.5 is a
// mismatch that settles nothing, even with SUCCESS.
func TestCheckStatusCurrentShape(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string // %s is the invoice
		want     Status
		wantMove Move
	}{
		{"expired, no transaction", `{"order":{"invoice_number":"%s","amount":170000.0,"status":"ORDER_EXPIRED"},"service":{"id":null},"acquirer":{"id":null},"channel":{"id":null}}`, StatusFailed, MoveExpired},
		{"expired after a declined attempt", `{"order":{"invoice_number":"%s","amount":170000,"status":"ORDER_EXPIRED"},"transaction":{"status":"FAILED"}}`, StatusFailed, MoveExpired},
		{"generated, no transaction", `{"order":{"invoice_number":"%s","amount":170000.0,"status":"ORDER_GENERATED"},"service":{"id":null}}`, StatusAwaitingPayment, MovePageIssued},
		{"generated, pending", `{"order":{"invoice_number":"%s","amount":170000.0,"status":"ORDER_GENERATED"},"transaction":{"status":"PENDING"}}`, StatusAwaitingPayment, MovePageIssued},
		{"paid, decimal amount", `{"order":{"invoice_number":"%s","amount":170000.0},"transaction":{"status":"SUCCESS"}}`, StatusSuccess, MovePaid},
		{"paid, fractional amount", `{"order":{"invoice_number":"%s","amount":170000.5},"transaction":{"status":"SUCCESS"}}`, StatusAwaitingPayment, MovePageIssued},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gw := &fakeGateway{}
			s, st := newTestService(t, gw)
			o := hostedOrder(t, s)
			gw.status = func(ref string) (*doku.StatusResponse, error) {
				return decodedStatus(t, fmt.Sprintf(tc.body, o.Invoice)), nil
			}
			now := time.Now().Add(2 * time.Minute) // due, link still payable
			s.now = func() time.Time { return now }
			s.ReconcileOnce(context.Background())
			if got := statusOf(t, st, o.ID); got.Status != tc.want || got.LastMove != string(tc.wantMove) {
				t.Errorf("order %s by %s, want %s by %s", got.Status, got.LastMove, tc.want, tc.wantMove)
			}
		})
	}
}

// Item 8: the merchant's payment type goes into every charge (and into
// the Checkout request when it is not the default SALE).
func TestPaymentTypeIsAMerchantSetting(t *testing.T) {
	for _, typ := range []string{"", TypeSale, TypeAuthorize} {
		t.Run("type "+typ, func(t *testing.T) {
			gw := &fakeGateway{charge: func(req doku.ChargeRequest) (*doku.ChargeResponse, error) {
				return chargeAnswer(req, doku.StatusSuccess, "00"), nil
			}}
			s, st := newTestService(t, gw)
			s.cfg.PaymentType = typ
			if typ == "" {
				s = New(st, gw, Config{PublicURL: "https://shop.test"}, s.log)
			}
			o := awaiting3DS(t, s)
			if _, err := s.CompleteThreeDS(context.Background(), o.Ref, true); err != nil {
				t.Fatal(err)
			}
			want := typ
			if want == "" {
				want = TypeSale
			}
			if got := gw.charges[0].Payment.Type; got != want {
				t.Errorf("charge payment.type %q, want %q", got, want)
			}
			if got := statusOf(t, st, o.ID).Status; got != StatusSuccess {
				t.Errorf("order %s, want SUCCESS", got)
			}
			hostedOrder(t, s)
			wantHosted := ""
			if want == TypeAuthorize {
				wantHosted = TypeAuthorize
			}
			if got := gw.checkouts[0].Payment.Type; got != wantHosted {
				t.Errorf("checkout payment.type %q, want %q", got, wantHosted)
			}
		})
	}
	if SupportedType("MOTO") || SupportedType("RECURRING") || SupportedType("INSTALLMENT") || !SupportedType("AUTHORIZE") {
		t.Error("the shop supports SALE and AUTHORIZE only: both pass 3-D Secure")
	}
}

// Item 7 and issue 9 item 6: what reaches DOKU is cleaned as DOKU's
// plugins clean it, and the line items add up to the amount.
func TestChargeSendsCleanedData(t *testing.T) {
	gw := &fakeGateway{charge: func(req doku.ChargeRequest) (*doku.ChargeResponse, error) {
		return chargeAnswer(req, doku.StatusSuccess, "00"), nil
	}}
	s, _ := newTestService(t, gw)
	in := validInput()
	in.Name = "Anne-Marie O'Neil Jr."
	in.Address = "Jl. Merdeka No. 1-3 #5\r\n\r\nBandung, Jawa Barat\n"
	in.Phone = "+62 812-3456-7890"
	in.Normalize()
	long := strings.Repeat("Kopi ", 60) // 300 characters
	res, err := s.Start(context.Background(), StartRequest{
		CheckoutKey: "k-clean", CartID: "c-clean", Input: in,
		Lines: []store.CartLine{
			{ProductID: 1, Name: `Kopi & Teh "Spesial" 'Asli' ☕ Café`, PriceIDR: 50000, Quantity: 2},
			{ProductID: 2, Name: long, PriceIDR: 1000, Quantity: 3},
			{ProductID: 3, Name: "☕☕", PriceIDR: 7, Quantity: 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompleteThreeDS(context.Background(), res.Order.Ref, true); err != nil {
		t.Fatal(err)
	}
	req := gw.charges[0]
	c := req.Customer
	if c.Name != "Anne Marie O Neil Jr" || c.Address != "Jl. Merdeka No. 1-3 5, Bandung, Jawa Barat" || c.Phone != "6281234567890" {
		t.Errorf("customer sent %+v", c)
	}
	items := req.Order.LineItems
	if len(items) != 3 || items[0].Name != "Kopi and Teh Spesial Asli Cafe" || items[2].Name != "Item" {
		t.Fatalf("items sent %+v", items)
	}
	if n := utf8.RuneCountInString(items[1].Name); n > MaxItemNameLen {
		t.Errorf("item name of %d characters sent", n)
	}
	var sum int64
	for _, it := range items {
		sum += it.Price * int64(it.Quantity)
		if strings.ContainsAny(it.Name, `&'"`) {
			t.Errorf("item name %q keeps a character DOKU refuses", it.Name)
		}
	}
	if sum != req.Order.Amount {
		t.Errorf("line items sum to %d, amount %d", sum, req.Order.Amount)
	}
}

func TestGatewayLineItemsSumExactly(t *testing.T) {
	lines := []store.OrderLine{{Name: "A", PriceIDR: 1000, Quantity: 2}}
	if got := gatewayLineItems(lines, 2500); len(got) != 2 || got[1].Name != "Fee" || got[1].Price != 500 || got[1].Quantity != 1 {
		t.Errorf("shortfall: %+v, want a fee line of 500", got)
	}
	if got := gatewayLineItems(lines, 1500); got != nil {
		t.Errorf("lines over the amount: %+v, want none sent", got)
	}
	if got := gatewayLineItems(lines, 2000); len(got) != 1 {
		t.Errorf("exact: %+v", got)
	}
}

// Issue 9 item 6: every customer field is held to DOKU's rule on the form,
// before 3-D Secure: a two-line address folds, a phone in any common form
// becomes 62…, and what cannot be cleaned is refused with a message.
func TestFormHoldsCustomerToGatewayRules(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	countries := map[string]bool{"ID": true}
	modes := map[string]bool{ModeDirect: true}
	for _, tc := range []struct {
		name string
		edit func(*CheckoutInput)
		bad  string // field refused, "" for none
	}{
		{"two-line address", func(in *CheckoutInput) { in.Address = "Jl. Merdeka 10\r\nBandung" }, ""},
		{"address of symbols only", func(in *CheckoutInput) { in.Address = "☕ ★ ♥" }, "address"},
		{"address with a form feed", func(in *CheckoutInput) { in.Address = "Jl. Merdeka\f10" }, ""},
		{"address with a bell", func(in *CheckoutInput) { in.Address = "Jl. Merdeka\a10" }, "address"},
		{"name of dots", func(in *CheckoutInput) { in.Name = ". -" }, "name"},
		{"phone 0812", func(in *CheckoutInput) { in.Phone = "0812-3456-7890" }, ""},
		{"phone +62 (0)", func(in *CheckoutInput) { in.Phone = "+62 (0)812 3456 7890" }, ""},
		{"phone 0062", func(in *CheckoutInput) { in.Phone = "0062 812 3456 7890" }, ""},
		{"phone letters", func(in *CheckoutInput) { in.Phone = "0812 CALL ME" }, "phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validInput()
			tc.edit(&in)
			in.Normalize()
			errs := in.Validate(now, countries, modes)
			if tc.bad == "" && len(errs) != 0 || tc.bad != "" && errs[tc.bad] == "" {
				t.Fatalf("errors %v, want only %q", errs, tc.bad)
			}
			if tc.bad == "" {
				if p := gatewayCustomerProblems(gatewayCustomer(in.Contact)); len(p) != 0 {
					t.Errorf("form accepted what DOKU refuses: %v", p)
				}
			}
		})
	}
	in := validInput()
	in.Address = "Jl. Merdeka 10\r\nBandung"
	in.Normalize()
	if in.Address != "Jl. Merdeka 10, Bandung" {
		t.Errorf("address stored as %q, want it on one line", in.Address)
	}
}

// Issue 9 item 6: a caller that skips the form cannot reach 3-D Secure
// with details DOKU would refuse.
func TestStartRefusesWhatDOKUWouldRefuse(t *testing.T) {
	gw := &fakeGateway{}
	s, _ := newTestService(t, gw)
	in := validInput()
	in.Name = "1234" // no letter: nothing alphabetic to send
	_, err := s.Start(context.Background(), StartRequest{
		CheckoutKey: "k-bad", CartID: "c-bad", Input: in,
		Lines: []store.CartLine{{ProductID: 1, Name: "A", PriceIDR: 1000, Quantity: 1}},
	})
	if err == nil || gw.threeDSCalls != 0 {
		t.Errorf("Start: %v with %d 3-D Secure calls, want refused before any", err, gw.threeDSCalls)
	}
}
