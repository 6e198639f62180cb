package sandbox

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"
)

//go:embed templates/*.html
var templateFS embed.FS

// Page template names.
const (
	pageChallenge = "challenge.html"
	pageCheckout  = "checkout.html"
	pageMessage   = "message.html"
	pageDashboard = "dashboard.html"
)

// Titles and texts of the friendly message pages.
const (
	titleAuthNotFound     = "Authentication not found"
	textAuthNotFound      = "This 3-D Secure link is unknown or has been reset."
	titleAuthDone         = "Authentication complete"
	textAuthDone          = "This 3-D Secure authentication is already complete."
	titleCheckoutNotFound = "Payment link not found"
	textCheckoutNotFound  = "This payment link is unknown. Ask the shop for a new one."
	titleCheckoutPaid     = "Already paid"
	textCheckoutPaid      = "This order is already paid (or the payment is being processed). Nothing more to do."
	titleCheckoutExpired  = "Payment link expired"
	textCheckoutExpired   = "This payment link has expired. Return to the shop to start again."
)

func parsePages() *template.Template {
	return template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))
}

// messageView is a friendly page with one message and, so it is no dead
// end, a link back to the shop.
type messageView struct {
	Title string
	Text  string
	Back  string // the merchant's callback (its receipt) or its shop; "" for none
}

// renderMessage renders a message page; back is where its link leads, and
// the shop's URL when empty.
func (s *Server) renderMessage(w http.ResponseWriter, status int, title, text, back string) {
	if back == "" {
		back = s.cfg.ShopURL
	}
	s.render(w, status, pageMessage, messageView{Title: title, Text: text, Back: back})
}

// render executes a page into a buffer, then writes it.
func (s *Server) render(w http.ResponseWriter, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, page, data); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// formatIDR formats rupiah the Indonesian way: "Rp 150.000".
func formatIDR(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	if neg {
		return "Rp -" + string(b)
	}
	return "Rp " + string(b)
}
