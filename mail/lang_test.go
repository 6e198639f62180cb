package mail

import (
	"context"
	"strings"
	"testing"
)

// A receipt and a refund notice are written in the language the shopper
// read at checkout; an order from before orders kept one reads English.
func TestMailIsInTheOrdersLanguage(t *testing.T) {
	st := openStore(t)
	b := newOutbox(t, st)
	ctx := context.Background()
	cases := []struct {
		lang, subject, amount, heading, refund string
	}{
		{"id", "Kuitansi INV-20261202-L1 dari Toko Uji", "Rp 170.000", "Terima kasih atas pesanan Anda", "Kami sudah mengembalikan Rp 85.000"},
		{"en", "Your receipt INV-20261202-L2 from Toko Uji", "Rp 170,000", "Thank you for your order", "We have refunded Rp 85,000"},
		{"", "Your receipt INV-20261202-L3 from Toko Uji", "Rp 170,000", "Thank you for your order", "We have refunded Rp 85,000"},
	}
	for i, tc := range cases {
		o := paidOrderIn(t, st, "L"+string(rune('1'+i)), 0, tc.lang)
		if err := b.EnqueueReceipt(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		if err := b.EnqueueRefund(ctx, o.ID, "RF-L"+string(rune('1'+i)), 85000); err != nil {
			t.Fatal(err)
		}
		ms, err := st.MailsOfOrder(ctx, o.ID)
		if err != nil || len(ms) != 2 {
			t.Fatalf("lang %q: %d mails (%v), want a receipt and a refund notice", tc.lang, len(ms), err)
		}
		receipt, err := Parse(ms[0].Message)
		if err != nil {
			t.Fatal(err)
		}
		if receipt.Subject() != tc.subject {
			t.Errorf("lang %q: subject %q, want %q", tc.lang, receipt.Subject(), tc.subject)
		}
		for name, body := range map[string]string{"text": receipt.Text, "html": receipt.HTML} {
			if !strings.Contains(body, tc.amount) || !strings.Contains(body, tc.heading) {
				t.Errorf("lang %q: receipt's %s part lacks %q or %q:\n%s", tc.lang, name, tc.amount, tc.heading, body)
			}
		}
		want := tc.lang
		if want == "" {
			want = "en"
		}
		if !strings.Contains(receipt.HTML, `lang="`+want+`"`) {
			t.Errorf("lang %q: html part not marked lang=%q", tc.lang, want)
		}
		refund, err := Parse(ms[1].Message)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(refund.Text, tc.refund) {
			t.Errorf("lang %q: refund notice lacks %q:\n%s", tc.lang, tc.refund, refund.Text)
		}
	}
}
