package browser

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"doku-checkout/app/apptest"
)

// pdfPage matches a page object of a PDF ("/Type /Page"), not the page
// tree ("/Type /Pages").
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b`)

// printA4 prints the tab's page as the browser's print dialog does on A4
// paper (8.27 × 11.69 in), without background graphics, and returns the PDF.
func (b *browser) printA4() []byte {
	b.t.Helper()
	noBackground := false
	pdf, err := chromedp.Run(b.ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PrintBackground: &noBackground})
		return res.Data, err
	})
	if err != nil {
		b.t.Fatalf("print to PDF: %v (page: %s)", err, b.location())
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		b.t.Fatalf("print to PDF: %d bytes that are not a PDF", len(pdf))
	}
	return pdf
}

// A paid receipt of three lines prints on one A4 page, in Bahasa Indonesia
// and in English.
func TestReceiptPrintsOnOneA4Page(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a real Chromium: make test runs it, make check (-short) leaves it out")
	}
	chromium := chromiumPath(t)
	a := apptest.Start(t)
	s := apptest.NewShopper(t, a)
	s.AddToCart("1", "1")
	s.AddToCart("2", "2")
	s.AddToCart("3", "1")
	s.Pay(apptest.Card(testCard, "123"), "123456")
	if got := s.Text("order-status"); got != "SUCCESS" {
		t.Fatalf("order status = %q, want SUCCESS", got)
	}
	keep, ok := s.Doc.Find(`[data-testid="receipt-link"]`).Attr("href")
	if !ok || !strings.Contains(keep, "k=") {
		t.Fatalf("the guest receipt has no link to keep (%q)", keep)
	}

	for _, w := range []struct{ lang, paid string }{{"id", "BERHASIL"}, {"en", "SUCCESS"}} {
		t.Run(w.lang, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			b := newBrowser(t, ctx, chromium)
			u := b.navigate("open the receipt", chromedp.Navigate(a.URL+keep+"&lang="+w.lang))
			if !strings.HasPrefix(u.Path, "/orders/INV-") || b.attr("html", "lang") != w.lang {
				t.Fatalf("at %s in %q, want the receipt in %s", u, b.attr("html", "lang"), w.lang)
			}
			b.do("wait for the receipt", chromedp.WaitVisible(chromedp.CSS(`[data-testid="order-status"]`)))
			if got := b.text(`[data-testid="order-status"]`); got != w.paid {
				t.Fatalf("order-status = %q, want %q", got, w.paid)
			}
			lines, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".receipt tbody tr").length`))
			if err != nil || lines != 3 {
				t.Fatalf("receipt lines = %d (%v), want 3", lines, err)
			}
			pdf := b.printA4()
			if n := len(pdfPage.FindAll(pdf, -1)); n != 1 {
				t.Errorf("the receipt prints on %d A4 pages, want 1", n)
			}
			t.Logf("figures: receipt in %s printed to A4: %d page(s), %d bytes of PDF", w.lang, len(pdfPage.FindAll(pdf, -1)), len(pdf))
		})
	}
}
