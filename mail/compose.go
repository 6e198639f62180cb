package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/store"
	"doku-checkout/views"
)

// The kinds of mail the outbox holds.
const (
	KindReceipt = "receipt" // the order is paid
	KindRefund  = "refund"  // money went back to the shopper
)

// Message is a composed e-mail, ready for the outbox.
type Message struct {
	From, To  *mail.Address
	Subject   string
	MessageID string // with its angle brackets
	Raw       []byte // RFC 5322, CRLF line ends
}

// errBadRecipient: the order's e-mail address cannot be written to.
var errBadRecipient = errors.New("mail: the order's e-mail address is not valid")

// composer turns an order into its e-mails.
type composer struct {
	from      *mail.Address // envelope and header From; "" name: the shop's
	publicURL string        // PUBLIC_URL, no trailing slash
	contact   merchant.Source
	now       func() time.Time
}

// receipt composes the receipt of paid order o (read with its lines).
func (c composer) receipt(ctx context.Context, o store.Order) (Message, error) {
	shop := c.contact.Contact(ctx)
	t := TextsFor(o.Lang)
	v := c.base(shop, o)
	v.Heading = t.ReceiptHeading
	v.Intro = fmt.Sprintf(t.ReceiptIntro, o.Name)
	v.Paragraphs = []string{t.ReceiptPaid}
	v.Facts = []views.MailFact{{Label: t.Invoice, Value: o.Invoice}, {Label: t.Date, Value: t.L.Date(o.UpdatedAt)}}
	if o.CardMasked != "" {
		// The store keeps the masked number only: there is no full one to show.
		v.Facts = append(v.Facts, views.MailFact{Label: t.Card, Value: strings.TrimSpace(o.CardBrand + " " + o.CardMasked)})
	}
	if o.ApprovalCode != "" {
		v.Facts = append(v.Facts, views.MailFact{Label: t.ApprovalCode, Value: o.ApprovalCode})
	}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, views.Line{ProductID: l.ProductID, Name: l.Name, Quantity: l.Quantity,
			UnitText: t.L.Money(l.PriceIDR), LineTotalText: t.L.Money(l.PriceIDR * int64(l.Quantity))})
	}
	v.ItemLabel, v.QtyLabel, v.PriceLabel, v.SubtotalLabel = t.Item, t.Quantity, t.UnitPrice, t.LineTotal
	v.TotalLabel, v.TotalText = t.Total, t.L.Money(o.AmountIDR)
	v.DeliverHeading = t.DeliverTo
	v.DeliverLines = nonEmpty(o.Name, o.Address, o.Country, phoneLine(t, o.Phone))
	return c.message(ctx, shop, o, fmt.Sprintf(t.ReceiptSubject, o.Invoice, shop.Name), v)
}

// refund composes the notice that amountIDR of order o was refunded.
func (c composer) refund(ctx context.Context, o store.Order, amountIDR int64) (Message, error) {
	shop := c.contact.Contact(ctx)
	t := TextsFor(o.Lang)
	v := c.base(shop, o)
	v.Heading = t.RefundHeading
	v.Intro = fmt.Sprintf(t.RefundIntro, o.Name)
	v.Paragraphs = []string{fmt.Sprintf(t.RefundAmount, t.L.Money(amountIDR)), t.RefundTiming}
	v.Facts = []views.MailFact{{Label: t.Invoice, Value: o.Invoice}, {Label: t.Date, Value: t.L.Date(c.now())}}
	if o.CardMasked != "" {
		v.Facts = append(v.Facts, views.MailFact{Label: t.Card, Value: strings.TrimSpace(o.CardBrand + " " + o.CardMasked)})
	}
	return c.message(ctx, shop, o, fmt.Sprintf(t.RefundSubject, o.Invoice, shop.Name), v)
}

// base fills what every mail of order o shows: the shop, its contact
// details and the link to the receipt.
func (c composer) base(shop merchant.Contact, o store.Order) views.MailView {
	t := TextsFor(o.Lang)
	v := views.MailView{Lang: t.Lang, StoreName: shop.Name, LinkText: t.ReceiptLink,
		ContactHeading: t.ContactHeading, ContactNote: t.ContactNote, Footer: fmt.Sprintf(t.Footer, shop.Name)}
	if link := payment.ReceiptLink(o); link != "" {
		v.LinkURL = c.publicURL + link // a guest's: opens without a login
	} else {
		v.LinkURL, v.LinkNote = c.publicURL+payment.ReceiptPath(o), t.ReceiptLinkNote
	}
	v.Contact = []views.MailFact{{Value: shop.Name}}
	if shop.Address != "" {
		v.Contact = append(v.Contact, views.MailFact{Value: shop.Address})
	}
	if shop.Email != "" {
		v.Contact = append(v.Contact, views.MailFact{Label: t.Email, Value: shop.Email})
	}
	if shop.Phone != "" {
		v.Contact = append(v.Contact, views.MailFact{Label: t.Phone, Value: shop.Phone})
	}
	return v
}

// message renders v as text and HTML and wraps both in a MIME message.
func (c composer) message(ctx context.Context, shop merchant.Contact, o store.Order, subject string, v views.MailView) (Message, error) {
	to, err := mail.ParseAddress(o.Email)
	if err != nil || strings.ContainsAny(o.Email, "\r\n") {
		return Message{}, fmt.Errorf("%w: order %s", errBadRecipient, o.Invoice)
	}
	to.Name = o.Name
	from := *c.from
	if from.Name == "" {
		from.Name = shop.Name
	}
	var html bytes.Buffer
	if err := views.MailBody(v).Render(ctx, &html); err != nil {
		return Message{}, fmt.Errorf("mail: render %s: %w", o.Invoice, err)
	}
	m := Message{From: &from, To: to, Subject: subject, MessageID: c.messageID()}
	hdr := []string{
		"From: " + m.From.String(),
		"To: " + m.To.String(),
		"Subject: " + mime.QEncoding.Encode("utf-8", subject),
		"Date: " + c.now().Format(time.RFC1123Z),
		"Message-ID: " + m.MessageID,
		"MIME-Version: 1.0",
		// RFC 3834: no vacation replies to a receipt.
		"Auto-Submitted: auto-generated",
	}
	if shop.Email != "" && !strings.EqualFold(shop.Email, from.Address) {
		if rt, err := mail.ParseAddress(shop.Email); err == nil {
			rt.Name = shop.Name
			hdr = append(hdr, "Reply-To: "+rt.String())
		}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	hdr = append(hdr, `Content-Type: multipart/alternative; boundary="`+mw.Boundary()+`"`)
	for _, p := range []struct{ ctype, text string }{
		{"text/plain", plainText(v)}, // the plainer part first (RFC 2046)
		{"text/html", html.String()},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.ctype + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return Message{}, fmt.Errorf("mail: part: %w", err)
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(p.text)); err != nil {
			return Message{}, fmt.Errorf("mail: encode: %w", err)
		}
		if err := qp.Close(); err != nil {
			return Message{}, fmt.Errorf("mail: encode: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return Message{}, fmt.Errorf("mail: close parts: %w", err)
	}
	var raw bytes.Buffer
	raw.WriteString(strings.Join(hdr, "\r\n") + "\r\n\r\n")
	raw.Write(body.Bytes())
	m.Raw = raw.Bytes()
	return m, nil
}

// messageID is a new Message-ID on the sender's domain.
func (c composer) messageID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("mail: crypto/rand failed: " + err.Error())
	}
	domain := "localhost"
	if at := strings.LastIndexByte(c.from.Address, '@'); at >= 0 && at < len(c.from.Address)-1 {
		domain = c.from.Address[at+1:]
	}
	return "<" + hex.EncodeToString(b) + "@" + domain + ">"
}

// plainText is the text/plain part: the same content as the HTML.
func plainText(v views.MailView) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	line(v.StoreName)
	line("")
	line(v.Heading)
	line("")
	line(v.Intro)
	line("")
	for _, p := range v.Paragraphs {
		line(p)
	}
	line("")
	for _, f := range v.Facts {
		line(f.Label + ": " + f.Value)
	}
	if len(v.Lines) > 0 {
		line("")
		for _, l := range v.Lines {
			line(fmt.Sprintf("%d x %s  @ %s  = %s", l.Quantity, l.Name, l.UnitText, l.LineTotalText))
		}
		line(v.TotalLabel + ": " + v.TotalText)
	}
	if len(v.DeliverLines) > 0 {
		line("")
		line(v.DeliverHeading + ":")
		for _, l := range v.DeliverLines {
			line("  " + l)
		}
	}
	if v.LinkURL != "" {
		line("")
		line(v.LinkText + ":")
		line(v.LinkURL)
		if v.LinkNote != "" {
			line(v.LinkNote)
		}
	}
	line("")
	line("-- ")
	line(v.ContactHeading)
	line(v.ContactNote)
	for _, f := range v.Contact {
		if f.Label != "" {
			line(f.Label + ": " + f.Value)
		} else {
			line(f.Value)
		}
	}
	line("")
	line(v.Footer)
	return b.String()
}

func phoneLine(t Texts, phone string) string {
	if phone == "" {
		return ""
	}
	return t.Phone + ": " + phone
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
