package mail

// Every text an e-mail shows, in one place, so a translation catalog can
// take them over: a Texts per language, picked by the order's language once
// orders have one. Placeholders are fmt verbs; their order is documented
// beside each.
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
}

// English is the texts in English.
var English = Texts{
	ReceiptSubject:  "Your receipt %[1]s from %[2]s",
	ReceiptHeading:  "Thank you for your order",
	ReceiptIntro:    "Hello %[1]s,",
	ReceiptPaid:     "We have received your payment. This is your receipt; keep it for your records.",
	RefundSubject:   "Refund for %[1]s from %[2]s",
	RefundHeading:   "Your refund is on its way",
	RefundIntro:     "Hello %[1]s,",
	RefundAmount:    "We have refunded %[1]s to the card you paid with.",
	RefundTiming:    "Your bank may take a few working days to show it on your statement.",
	Invoice:         "Invoice",
	Date:            "Date",
	Card:            "Card",
	ApprovalCode:    "Approval code",
	Item:            "Item",
	Quantity:        "Qty",
	UnitPrice:       "Price",
	LineTotal:       "Subtotal",
	Total:           "Total",
	DeliverTo:       "Delivery address",
	Phone:           "Phone",
	ReceiptLink:     "View your receipt online",
	ReceiptLinkNote: "Sign in to your account to open it.",
	ContactHeading:  "Questions about your order?",
	ContactNote:     "Reply to this e-mail or contact us:",
	Email:           "E-mail",
	Footer:          "You receive this e-mail because you placed an order at %[1]s.",
}
