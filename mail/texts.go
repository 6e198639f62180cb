package mail

import "doku-checkout/i18n"

// Every text an e-mail shows, in one place, read from the i18n catalog in
// the order's language (TextsFor). Placeholders are fmt verbs; their order
// is documented beside each.
type Texts struct {
	ReceiptSubject  string // %[1]s invoice, %[2]s shop name
	ReceiptHeading  string
	ReceiptIntro    string // %[1]s shopper's name
	ReceiptPaid     string
	RefundSubject   string // %[1]s invoice, %[2]s shop name
	RefundHeading   string
	RefundIntro     string // %[1]s shopper's name
	RefundAmount    string // %[1]s amount refunded, e.g. Rp 150.000
	RefundTiming    string
	Invoice         string
	Date            string
	Card            string
	ApprovalCode    string
	Item            string
	Quantity        string
	UnitPrice       string
	LineTotal       string
	Total           string
	DeliverTo       string
	Phone           string
	ReceiptLink     string
	ReceiptLinkNote string
	ContactHeading  string
	ContactNote     string
	Email           string
	Footer          string // %[1]s shop name
	// Lang is the language's code; L writes its money and dates.
	Lang string
	L    *i18n.Localizer
}

// TextsFor is the texts in the language of an order: lang as kept on the
// order, and English for an order from before orders kept one (its pages
// were in English then).
func TextsFor(lang string) Texts {
	if lang == "" {
		lang = i18n.English
	}
	l := i18n.For(lang)
	raw := func(key string) string { return i18n.Raw(l.Lang(), key) }
	return Texts{
		ReceiptSubject:  raw("mail.receipt.subject"),
		ReceiptHeading:  raw("mail.receipt.heading"),
		ReceiptIntro:    raw("mail.receipt.intro"),
		ReceiptPaid:     raw("mail.receipt.paid"),
		RefundSubject:   raw("mail.refund.subject"),
		RefundHeading:   raw("mail.refund.heading"),
		RefundIntro:     raw("mail.refund.intro"),
		RefundAmount:    raw("mail.refund.amount"),
		RefundTiming:    raw("mail.refund.timing"),
		Invoice:         raw("mail.invoice"),
		Date:            raw("mail.date"),
		Card:            raw("mail.card"),
		ApprovalCode:    raw("mail.approval"),
		Item:            raw("mail.item"),
		Quantity:        raw("mail.qty"),
		UnitPrice:       raw("mail.price"),
		LineTotal:       raw("mail.subtotal"),
		Total:           raw("mail.total"),
		DeliverTo:       raw("mail.deliver_to"),
		Phone:           raw("mail.phone"),
		ReceiptLink:     raw("mail.link"),
		ReceiptLinkNote: raw("mail.link_note"),
		ContactHeading:  raw("mail.contact_heading"),
		ContactNote:     raw("mail.contact_note"),
		Email:           raw("mail.email"),
		Footer:          raw("mail.footer"),
		Lang:            l.Lang(),
		L:               l,
	}
}

// English is the texts in English.
var English = TextsFor(i18n.English)
