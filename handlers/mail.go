package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	mailer "doku-checkout/mail"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// sandboxMailRoutes mounts the outbox pages (only with the embedded sandbox).
func (h *Handler) sandboxMailRoutes(e *echo.Echo) {
	e.GET(route.SandboxMail, h.Outbox)
	e.GET(route.SandboxMailItem, h.OutboxMail)
	e.GET(route.SandboxMailHTML, h.OutboxMailHTML)
}

// Outbox renders GET /_sandbox/mail: the e-mails queued and sent, newest
// first.
func (h *Handler) Outbox(c echo.Context) error {
	mails, err := h.store.Mails(h.ctx(c), 200)
	if err != nil {
		return err
	}
	v := views.OutboxView{Page: h.page(c, "Outbox"),
		Note: "The embedded sandbox's mailbox: with no SMTP_URL, e-mails are kept here instead of being sent."}
	for _, m := range mails {
		if !h.mayReadMail(c, m) {
			continue
		}
		v.Mails = append(v.Mails, views.OutboxRow{DateText: views.DateWIB(m.CreatedAt), To: m.Recipient,
			Subject: m.Subject, Status: m.Status, URL: route.SandboxMailPath(m.ID)})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.OutboxPage(v))
}

// OutboxMail renders GET /_sandbox/mail/{id}: one e-mail.
func (h *Handler) OutboxMail(c echo.Context) error {
	m, p, err := h.outboxMail(c)
	if err != nil {
		return err
	}
	v := views.OutboxMailView{Page: h.page(c, m.Subject), Subject: p.Subject(), Text: p.Text,
		HTMLURL: route.SandboxMailHTMLPath(m.ID), BackURL: route.SandboxMail}
	for _, k := range []string{"From", "To", "Reply-To", "Date", "Message-ID"} {
		if val := p.Header.Get(k); val != "" {
			v.Headers = append(v.Headers, views.MailFact{Label: k, Value: val})
		}
	}
	status := m.Status
	if m.LastError != "" {
		status += " (" + strconv.Itoa(m.Attempts) + " attempts; last: " + m.LastError + ")"
	}
	v.Headers = append(v.Headers, views.MailFact{Label: "Status", Value: status})
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.OutboxMailPage(v))
}

// OutboxMailHTML serves GET /_sandbox/mail/{id}/html: the e-mail's HTML
// body, for the frame of its page. Its policy keeps it inert: a sandbox
// (no script, no form, no navigation of ours), nothing loaded from
// anywhere, framed by this site only.
func (h *Handler) OutboxMailHTML(c echo.Context) error {
	_, p, err := h.outboxMail(c)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, []byte(p.HTML))
}

// outboxMail reads and parses the mail of the request's :id, if the viewer
// may read it.
func (h *Handler) outboxMail(c echo.Context) (store.OutboxMail, mailer.Parsed, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.OutboxMail{}, mailer.Parsed{}, echo.NewHTTPError(http.StatusNotFound)
	}
	m, err := h.store.MailByID(h.ctx(c), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !h.mayReadMail(c, m)) {
		return store.OutboxMail{}, mailer.Parsed{}, echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return store.OutboxMail{}, mailer.Parsed{}, err
	}
	p, err := mailer.Parse(m.Message)
	if err != nil {
		return store.OutboxMail{}, mailer.Parsed{}, err
	}
	return m, p, nil
}

// mayReadMail: on a shop only this machine reaches, the demonstrator reads
// every mail; on a public demo, only those of orders the viewer may open.
func (h *Handler) mayReadMail(c echo.Context, m store.OutboxMail) bool {
	if h.cfg.SandboxMailAll {
		return true
	}
	if m.OrderID == 0 {
		return false
	}
	o, err := h.store.OrderByID(h.ctx(c), m.OrderID)
	return err == nil && h.mayView(c, o)
}
