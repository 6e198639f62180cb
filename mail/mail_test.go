package mail

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"doku-checkout/mail/mailtest"
	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/store"
)

const publicURL = "https://shop.example.com/toko"

var shop = merchant.Static{Name: "Toko Uji", Email: "halo@toko-uji.example", Phone: "+62 21 555 0199", Address: "Jl. Uji No. 7, Bandung"}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "mail.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SeedProducts(context.Background(), []store.Product{{Name: "Kopi Gayo", Description: "beans", PriceIDR: 85000, Image: "kopi.svg"}}); err != nil {
		t.Fatal(err)
	}
	return st
}

func newOutbox(t *testing.T, st *store.Store) *Outbox {
	t.Helper()
	b, err := NewOutbox(st, Config{PublicURL: publicURL + "/", Contact: shop}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// paidOrder writes an order and moves it to SUCCESS the way the store
// records it (tests may call the store's transition; the app never does).
func paidOrder(t *testing.T, st *store.Store, key string, customerID int64) store.Order {
	t.Helper()
	return paidOrderIn(t, st, key, customerID, "")
}

// paidOrderIn is paidOrder placed by a shopper reading lang.
func paidOrderIn(t *testing.T, st *store.Store, key string, customerID int64, lang string) store.Order {
	t.Helper()
	ctx := context.Background()
	o := &store.Order{Invoice: "INV-20261202-" + key, Ref: "ref-" + key, ReceiptKey: "rk-" + key, Mode: store.ModeDirect, Lang: lang,
		Status: payment.StatusCreated, AmountIDR: 170000, Name: "Siti Rahmawati Ñ", Email: "siti@example.com",
		Phone: "081234567890", Address: "Jl. Merdeka No. 10, Bandung", Country: "ID", CardMasked: "411111******1111", CardBrand: "VISA",
		CustomerID: customerID,
		Lines:      []store.OrderLine{{ProductID: 1, Name: "Kopi Gayo", PriceIDR: 85000, Quantity: 2}}}
	if customerID != 0 {
		o.ReceiptKey = ""
	}
	if err := st.CreateOrder(ctx, o, store.CartClaim{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Transition(ctx, o.ID, store.Step{From: []store.Status{payment.StatusCreated}, To: payment.StatusSuccess,
		Move: "paid", Reason: "test", EndChecks: true, Fields: store.Fields{ApprovalCode: "A1B2C3"}}); !ok || err != nil {
		t.Fatalf("move to SUCCESS: %v %v", ok, err)
	}
	got, err := st.OrderByID(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func onlyMail(t *testing.T, st *store.Store, orderID int64) store.OutboxMail {
	t.Helper()
	ms, err := st.MailsOfOrder(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("order %d has %d mails in the outbox, want 1", orderID, len(ms))
	}
	return ms[0]
}

var fullPAN = regexp.MustCompile(`\b\d{13,19}\b`)

func TestReceiptIsMultipartTextAndHTMLWithEverythingTheShopperNeeds(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	o := paidOrder(t, st, "A1", 0)
	if err := b.EnqueueReceipt(context.Background(), o.ID); err != nil {
		t.Fatal(err)
	}
	m := onlyMail(t, st, o.ID)
	if m.Kind != KindReceipt || m.Recipient != "siti@example.com" || m.Status != store.MailPending {
		t.Fatalf("outbox row = %+v, want a pending receipt to siti@example.com", m)
	}
	raw := string(m.Message)
	for i, line := range strings.Split(raw, "\r\n") {
		if len(line) > 998 || strings.Contains(line, "\n") {
			t.Fatalf("line %d is not an RFC 5322 line (CRLF, ≤ 998 octets): %q", i+1, line)
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version"} {
		if h.Get(k) == "" {
			t.Errorf("header %s missing", k)
		}
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if !regexp.MustCompile(`^<[0-9a-f]{32}@toko-uji\.example>$`).MatchString(h.Get("Message-ID")) {
		t.Errorf("Message-ID = %q, want <random@sender's domain>", h.Get("Message-ID"))
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "siti@example.com" || to[0].Name != "Siti Rahmawati Ñ" {
		t.Errorf("To = %q (%v), want Siti Rahmawati Ñ <siti@example.com>", h.Get("To"), err)
	}
	if from, err := h.AddressList("From"); err != nil || from[0].Address != "halo@toko-uji.example" || from[0].Name != "Toko Uji" {
		t.Errorf("From = %q, want the shop", h.Get("From"))
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", h.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextRawPart() // not decoded: check the encoding as sent
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, p.Header.Get("Content-Type"))
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part %s: Content-Transfer-Encoding = %q, want quoted-printable", p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"))
		}
	}
	if strings.Join(types, ",") != "text/plain; charset=UTF-8,text/html; charset=UTF-8" {
		t.Errorf("parts = %v, want text/plain then text/html, UTF-8", types)
	}

	p, err := Parse(m.Message)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Subject(); got != "Your receipt "+o.Invoice+" from Toko Uji" {
		t.Errorf("Subject = %q", got)
	}
	link := publicURL + "/orders/" + o.Invoice + "?k=rk-A1"
	for name, body := range map[string]string{"text": p.Text, "html": p.HTML} {
		for _, want := range []string{
			o.Invoice, "Kopi Gayo", "Rp 85,000", "Rp 170,000", "VISA", "411111******1111", "A1B2C3",
			"Jl. Merdeka No. 10, Bandung", "081234567890", "Siti Rahmawati Ñ",
			"Toko Uji", "halo@toko-uji.example", "+62 21 555 0199", "Jl. Uji No. 7, Bandung",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s part lacks %q", name, want)
			}
		}
		if !strings.Contains(body, link) {
			t.Errorf("%s part lacks the guest's receipt link %s", name, link)
		}
		if fullPAN.MatchString(body) {
			t.Errorf("%s part holds a card-number-like run of digits: %q", name, fullPAN.FindString(body))
		}
	}
	if !strings.Contains(p.HTML, `href="`+link+`"`) {
		t.Errorf("HTML part does not link to %s", link)
	}
	if !strings.Contains(p.HTML, `<html lang="en">`) {
		t.Errorf("HTML part has no <html lang>")
	}
}

func TestCustomersReceiptLinksToTheReceiptBehindTheirLogin(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	cust := &store.Customer{PublicID: "cust-1", Email: "budi@example.com", Name: "Budi", PasswordHash: "x"}
	if err := st.CreateCustomer(ctx, cust); err != nil {
		t.Fatal(err)
	}
	b := newOutbox(t, st)
	o := paidOrder(t, st, "C1", cust.ID)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	p, err := Parse(onlyMail(t, st, o.ID).Message)
	if err != nil {
		t.Fatal(err)
	}
	want := publicURL + "/orders/" + o.Invoice
	if !strings.Contains(p.Text, want+"\n") || strings.Contains(p.Text, "?k=") {
		t.Errorf("customer's receipt link: want %s without a key, text:\n%s", want, p.Text)
	}
}

func TestReceiptIsQueuedOncePerOrderAndOnlyWhenPaid(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "B1", 0)
	for range 3 {
		if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	b.OnFinal(ctx, o, payment.StatusSuccess)
	onlyMail(t, st, o.ID)

	open := &store.Order{Invoice: "INV-open", Ref: "ref-open", Mode: store.ModeDirect, Status: payment.StatusCreated, AmountIDR: 1000,
		Name: "A", Email: "a@example.com", Phone: "1", Address: "x", Country: "ID"}
	if err := st.CreateOrder(ctx, open, store.CartClaim{}); err != nil {
		t.Fatal(err)
	}
	if err := b.EnqueueReceipt(ctx, open.ID); err == nil {
		t.Errorf("a receipt for an unpaid order was queued")
	}
	b.OnFinal(ctx, *open, payment.StatusFailed)
	if ms, _ := st.MailsOfOrder(ctx, open.ID); len(ms) != 0 {
		t.Errorf("unpaid order has %d mails, want 0", len(ms))
	}
}

func TestCatchUpQueuesTheReceiptOfAnOrderPaidWithoutTheHook(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	// As after a crash between the payment's commit and the hook: SUCCESS
	// recorded, no receipt queued.
	time.Sleep(2 * time.Millisecond) // the payments come after the outbox's start
	o1 := paidOrder(t, st, "D1", 0)
	o2 := paidOrder(t, st, "D2", 0)
	if ms, _ := st.Mails(ctx, 10); len(ms) != 0 {
		t.Fatalf("outbox has %d mails before the catch-up, want 0", len(ms))
	}
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ms, _ := st.Mails(ctx, 10); len(ms) != 0 {
		t.Fatalf("the catch-up took %d payments of the last %s from the hand-over", len(ms), catchUpAfter)
	}
	later := time.Now().Add(catchUpAfter + time.Second)
	b.comp.now = func() time.Time { return later }
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	onlyMail(t, st, o1.ID)
	onlyMail(t, st, o2.ID)
	if err := b.CatchUp(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	onlyMail(t, st, o1.ID)
	ev, _ := st.OrderEvents(ctx, o2.ID)
	cur, err := st.MailCursor(ctx)
	if err != nil || cur < int64(len(ev)) {
		t.Errorf("cursor = %d (%v) after the catch-up, want past every event", cur, err)
	}
}

func TestRefundMailOncePerRefund(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "R1", 0)
	for range 2 {
		if err := b.EnqueueRefund(ctx, o.ID, "RF-1", 85000); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.EnqueueRefund(ctx, o.ID, "RF-2", 85000); err != nil {
		t.Fatal(err)
	}
	ms, err := st.MailsOfOrder(ctx, o.ID)
	if err != nil || len(ms) != 2 {
		t.Fatalf("refund mails = %d (%v), want 2 (one per refund)", len(ms), err)
	}
	p, err := Parse(ms[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Subject(), "Refund for "+o.Invoice) || !strings.Contains(p.Text, "We have refunded Rp 85,000") ||
		!strings.Contains(p.HTML, "Toko Uji") {
		t.Errorf("refund mail: subject %q, text:\n%s", p.Subject(), p.Text)
	}
}

func sender(b *Outbox, s *SMTP) *Sender {
	return NewSender(b, SenderConfig{SMTP: s, RetryAfter: 20 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, Poll: 50 * time.Millisecond},
		slog.New(slog.DiscardHandler))
}

func TestSenderDeliversEachMailOnceThroughARealSMTPServer(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "S1", 0)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	s := sender(b, &SMTP{Addr: srv.Addr, Host: "127.0.0.1"})
	s.deliverDue(ctx)
	s.deliverDue(ctx) // nothing left to send
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("mailbox has %d mails, want 1", len(got))
	}
	if got[0].From != "halo@toko-uji.example" || len(got[0].To) != 1 || got[0].To[0] != "siti@example.com" {
		t.Errorf("envelope = %s → %v, want the shop → siti@example.com", got[0].From, got[0].To)
	}
	m := onlyMail(t, st, o.ID)
	if m.Status != store.MailSent || m.Attempts != 1 || m.SentAt.IsZero() {
		t.Errorf("after delivery: %s, %d attempts, sent %v; want sent after 1", m.Status, m.Attempts, m.SentAt)
	}
	p, err := Parse(got[0].Data)
	if err != nil || !strings.Contains(p.Text, o.Invoice) {
		t.Errorf("received message does not parse or lacks the invoice: %v", err)
	}
}

func TestServerDownLosesNothingAndTheMailGoesOnceItIsBack(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here: the server is down
	st := openStore(t)
	b := newOutbox(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := paidOrder(t, st, "T1", 0)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	s := sender(b, &SMTP{Addr: addr, Host: "127.0.0.1"})
	t0 := time.Now()
	s.now = func() time.Time { return t0 }
	s.deliverDue(ctx)
	m := onlyMail(t, st, o.ID)
	if m.Status != store.MailPending || m.Attempts != 1 || m.LastError == "" || !m.NextAttemptAt.Equal(t0.Add(20*time.Millisecond).Truncate(time.Millisecond)) {
		t.Fatalf("after a failed attempt: %+v; want pending, 1 attempt, next in 20ms", m)
	}
	s.now = time.Now
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Let the sender fail a few more times, then bring the server up.
	for onlyMail(t, st, o.ID).Attempts < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	srv := mailtest.Start(t, mailtest.Options{Addr: addr})
	got := srv.Wait(t, 1, 10*time.Second)
	for onlyMail(t, st, o.ID).Status != store.MailSent {
		time.Sleep(10 * time.Millisecond)
	}
	if got = srv.Messages(); len(got) != 1 {
		t.Fatalf("mailbox has %d mails, want exactly 1", len(got))
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	s := NewSender(nil, SenderConfig{RetryAfter: time.Second, MaxBackoff: 5 * time.Second}, nil)
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := s.backoff(i + 1); got != w {
			t.Errorf("backoff after failure %d = %s, want %s", i+1, got, w)
		}
	}
}

func TestSTARTTLSAndLogin(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true, Username: "shop", Password: "s3cret"})
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "L1", 0)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseSMTPURL("smtp://shop:wrong@" + srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = srv.ClientTLS()
	sender(b, cfg).deliverDue(ctx)
	if m := onlyMail(t, st, o.ID); m.Status != store.MailPending || m.Attempts != 1 || len(srv.Messages()) != 0 {
		t.Fatalf("wrong password: %s after %d attempts, %d delivered; want pending (a login problem is fixed by a person, then it goes)", m.Status, m.Attempts, len(srv.Messages()))
	}
	cfg.Password = "s3cret"
	s := sender(b, cfg)
	s.now = func() time.Time { return time.Now().Add(time.Minute) } // past the backoff
	s.deliverDue(ctx)
	if got := srv.Messages(); len(got) != 1 {
		t.Fatalf("after STARTTLS and login: %d mails, want 1", len(got))
	}
}

func TestImplicitTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{ImplicitTLS: true, Username: "shop", Password: "s3cret"})
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "I1", 0)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseSMTPURL("smtps://shop:s3cret@" + srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = srv.ClientTLS()
	sender(b, cfg).deliverDue(ctx)
	if got := srv.Messages(); len(got) != 1 {
		t.Fatalf("smtps: %d mails, want 1 (outbox: %+v)", len(got), onlyMail(t, st, o.ID))
	}
}

func TestPasswordIsNeverSentInTheClear(t *testing.T) {
	// A server on another host offering no TLS: net/smtp's PLAIN refuses.
	// 127.0.0.1 counts as this machine, so dress it as a remote name.
	srv := mailtest.Start(t, mailtest.Options{Username: "shop", Password: "s3cret"})
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "P1", 0)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	sender(b, &SMTP{Addr: srv.Addr, Host: "mail.example.net", Username: "shop", Password: "s3cret"}).deliverDue(ctx)
	m := onlyMail(t, st, o.ID)
	if len(srv.Messages()) != 0 || m.Status != store.MailPending || !strings.Contains(m.LastError, "unencrypted") {
		t.Fatalf("plaintext login: %d delivered, outbox %s %q; want none, pending, refused as unencrypted", len(srv.Messages()), m.Status, m.LastError)
	}
}

func TestPermanentRefusalIsGivenUp(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{RejectRcpt: true})
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "F1", 0)
	if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	sender(b, &SMTP{Addr: srv.Addr, Host: "127.0.0.1"}).deliverDue(ctx)
	if m := onlyMail(t, st, o.ID); m.Status != store.MailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
		t.Fatalf("after a 550: %+v, want failed after 1 attempt with the server's answer", m)
	}
}

func TestParseSMTPURL(t *testing.T) {
	for _, tc := range []struct {
		in, addr, user, pass string
		implicit             bool
	}{
		{"smtp://u:p@mail.example.com:587", "mail.example.com:587", "u", "p", false},
		{"smtp://mail.example.com", "mail.example.com:587", "", "", false},
		{"smtps://u%40x:p%3A@mail.example.com", "mail.example.com:465", "u@x", "p:", true},
		{"smtp://127.0.0.1:2525", "127.0.0.1:2525", "", "", false},
	} {
		s, err := ParseSMTPURL(tc.in)
		if err != nil || s.Addr != tc.addr || s.Username != tc.user || s.Password != tc.pass || s.ImplicitTLS != tc.implicit {
			t.Errorf("ParseSMTPURL(%q) = %+v, %v", tc.in, s, err)
		}
	}
	for _, bad := range []string{"", "http://x", "smtp://", "mail.example.com:587"} {
		if _, err := ParseSMTPURL(bad); err == nil {
			t.Errorf("ParseSMTPURL(%q) accepted", bad)
		}
	}
	if _, err := ParseSMTPURL("ftp://u:hunter2@x"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}

// A payment's hook writes nothing on the shopper's request: it hands the
// order to the sender, which queues the receipt once.
func TestOnFinalHandsTheReceiptToTheSender(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	o := paidOrder(t, st, "H1", 0)
	b.OnFinal(ctx, o, payment.StatusSuccess)
	if ms, _ := st.MailsOfOrder(ctx, o.ID); len(ms) != 0 {
		t.Fatalf("the hook wrote %d mails on the request, want 0", len(ms))
	}
	b.QueuePaid(ctx)
	b.QueuePaid(ctx)
	onlyMail(t, st, o.ID)
}

// Payments made together hand their receipts over together: QueuePaid
// writes them all (one commit), and an order that cannot have a receipt
// (not paid, or gone) holds up none of the others.
func TestQueuePaidWritesTheWaitingReceiptsTogether(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	var paid []store.Order
	for i := range 5 {
		o := paidOrder(t, st, "B"+strconv.Itoa(i), 0)
		paid = append(paid, o)
		b.OnFinal(ctx, o, payment.StatusSuccess)
		if i == 2 {
			b.paid <- 999999 // no such order
		}
	}
	unpaid := &store.Order{Invoice: "INV-20261202-U", Ref: "ref-U", ReceiptKey: "rk-U", Mode: store.ModeDirect, Status: payment.StatusCreated,
		AmountIDR: 85000, Name: "Budi", Email: "budi@example.com", Phone: "0812", Address: "Jl. A", Country: "ID",
		Lines: []store.OrderLine{{ProductID: 1, Name: "Kopi Gayo", PriceIDR: 85000, Quantity: 1}}}
	if err := st.CreateOrder(ctx, unpaid, store.CartClaim{}); err != nil {
		t.Fatal(err)
	}
	b.paid <- unpaid.ID
	b.QueuePaid(ctx)
	if len(b.paid) != 0 {
		t.Fatalf("%d hand-overs left waiting", len(b.paid))
	}
	for _, o := range paid {
		if m := onlyMail(t, st, o.ID); m.Kind != KindReceipt || m.Recipient != "siti@example.com" {
			t.Errorf("order %s: mail %+v", o.Invoice, m)
		}
	}
	if ms, _ := st.MailsOfOrder(ctx, unpaid.ID); len(ms) != 0 {
		t.Errorf("an unpaid order got %d mails", len(ms))
	}
	b.QueuePaid(ctx) // nothing waiting: nothing written twice
	for _, o := range paid {
		onlyMail(t, st, o.ID)
	}
}

// A payment made before the process started has no hand-over left: the
// first catch-up of the next process queues its receipt at once.
func TestCatchUpTakesThePaymentsOfAnEarlierProcessAtOnce(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	o := paidOrder(t, st, "E1", 0)
	time.Sleep(2 * time.Millisecond) // the next process starts after the payment
	b := newOutbox(t, st)
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	onlyMail(t, st, o.ID)
}

// While payments keep coming, the catch-up still returns: it reads the
// events there were when it began, so the sender gets back to the
// hand-over. Here every receipt it writes brings a new payment along.
func TestCatchUpReturnsWhilePaymentsKeepComing(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	for i := range 3 {
		paidOrder(t, st, "S"+strconv.Itoa(i), 0)
	}
	made, seq := 0, 0
	b, err := NewOutbox(st, Config{PublicURL: publicURL + "/", Contact: payingContact(func() {
		if made < 50 {
			made, seq = made+1, seq+1
			paidOrder(t, st, "N"+strconv.Itoa(seq), 0)
		}
	})}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	b.comp.now = func() time.Time { return later } // every payment is the catch-up's
	made = 0                                       // NewOutbox read the contact once
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if made >= 50 {
		t.Fatalf("the catch-up chased the %d payments made while it ran", made)
	}
}

// payingContact is the shop's contact, and a payment made each time a
// mail reads it.
type payingContact func()

func (p payingContact) Contact(context.Context) merchant.Contact {
	p()
	return merchant.Contact(shop)
}
