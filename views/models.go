// Package views holds the templ components and the typed view models they render.
// Views format nothing and query nothing: handlers fill these structs.
package views

import (
	"time"

	"doku-checkout/i18n"
)

// Page is what the layout needs on every page.
type Page struct {
	Title     string
	CSRF      string // token for the hidden csrf field of every POST form
	UserEmail string // empty for a guest
	CartCount int
	Flash     string // one-line notice shown at the top, e.g. "Card removed."
	// StaticPrefix is the versioned prefix for static assets, e.g. "/static/3f2a9c/".
	StaticPrefix string
	// Refresh > 0 makes the layout emit <meta http-equiv="refresh"> with that many
	// seconds. ReceiptPage sets it from ReceiptView.RefreshSeconds; handlers need not.
	Refresh int
	// Sandbox shows a banner: payments go to the embedded DOKU sandbox.
	Sandbox bool
	// Shop is the store's name and contact (the owner's settings), in the
	// header, the <title> and the footer.
	Shop StoreContact
	// Languages are the language switch's links: this page in each language.
	Languages []LanguageLink
}

// LanguageLink is the current page in one language.
type LanguageLink struct {
	Code, Name, URL string
	Current         bool // the page's own language
}

// FieldErrors maps a form field name to its message.
type FieldErrors map[string]string

// Has reports whether field has an error.
func (f FieldErrors) Has(field string) bool { _, ok := f[field]; return ok }

// Get returns field's message or "".
func (f FieldErrors) Get(field string) string { return f[field] }

// ProductCard is one product on the catalog.
type ProductCard struct {
	ID          int64
	Name        string
	Description string
	PriceText   string // "Rp 150.000"
	ImageURL    string
}

// CatalogView is GET /.
type CatalogView struct {
	Page
	Products []ProductCard
	Error    string // e.g. "That product does not exist." after a bad add
}

// Line is one line of a cart, checkout summary or receipt.
type Line struct {
	ProductID     int64
	Name          string
	Quantity      int
	UnitText      string
	LineTotalText string
}

// CartView is GET /cart.
type CartView struct {
	Page
	Lines     []Line
	TotalText string
	Errors    FieldErrors // "quantity" on a bad update
}

// SavedCardOption is a saved card the shopper can pick at checkout.
type SavedCardOption struct {
	ID     int64
	Brand  string
	Masked string
	Expiry string // "12/30"
}

// CheckoutForm is the shopper's input echoed back on a validation error.
// It never holds a card number or CVV.
type CheckoutForm struct {
	Name, Email, Phone, Address, Country string
	CardExpiry                           string
	SaveCard                             bool
	SavedCard                            int64  // selected saved card id, 0 = new card
	Mode                                 string // "direct" or "hosted"
}

// CheckoutView is GET/POST /checkout.
type CheckoutView struct {
	Page
	Form          CheckoutForm
	Errors        FieldErrors // keys: the form field names (name, email, phone, address, country, card_number, card_expiry, card_cvv, saved_card, mode)
	FormError     string      // one message for the whole form, e.g. the gateway refused the card
	Lines         []Line
	TotalText     string
	SavedCards    []SavedCardOption
	LoggedIn      bool // "save this card" is offered only then
	DirectEnabled bool // our own card form
	HostedEnabled bool // DOKU Checkout (hosted page)
	Countries     []Country
	// CheckoutKey is a fresh random key per rendered form, sent back hidden:
	// a form submitted twice finds the order the first submission made.
	CheckoutKey string
	// CartVersion identifies the cart as shown (lines, quantities, prices),
	// sent back hidden: a cart changed meanwhile is not charged unseen.
	CartVersion string
	// CardAgain: the form comes back after a submission, so the card number
	// and CVV (never sent back) are empty; the page says why.
	CardAgain bool
}

// SummaryField names a form field for the error summary: its form name,
// the id of its input, and its label's message key.
type SummaryField struct{ Name, ID, Label string }

// checkoutFields are the checkout form's fields in the order they appear.
var checkoutFields = []SummaryField{
	{"name", "name", "field.name"}, {"email", "email", "field.email"}, {"phone", "phone", "field.phone"},
	{"address", "address", "field.address"}, {"country", "country", "field.country"}, {"mode", "pay", "field.mode"},
	{"saved_card", "card_number", "field.saved_card"}, {"card_number", "card_number", "field.card_number"},
	{"card_expiry", "card_expiry", "field.card_expiry"}, {"card_cvv", "card_cvv", "field.card_cvv"},
}

// Country is an option of the country select.
type Country struct{ Code, Name string }

// ReceiptView is GET /orders/{invoice}.
type ReceiptView struct {
	Page
	Invoice       string
	DateText      string
	Lines         []Line
	TotalText     string
	Status        string // SUCCESS, FAILED or PENDING (data-testid order-status)
	StatusMessage string // what it means for the shopper
	Masked        string
	Brand         string
	ApprovalCode  string
	ResponseText  string // e.g. "Do not honour (05)" on a failure
	CustomerName  string
	Email         string
	// RefreshSeconds > 0 makes the page reload itself (meta refresh) while PENDING.
	RefreshSeconds int
	// RetryURL, when set on a FAILED order, links back to the checkout.
	RetryURL string
	// KeepURL is a guest's receipt link (with its own key), to bookmark.
	KeepURL string
	// StatusURL, set while the outcome is on its way, is where the page's
	// script reads the status; CheckAgainURL reloads the page without it.
	StatusURL, CheckAgainURL string
	// Where the order goes, and how to reach the shop (views/receipt.templ).
	Delivery DeliveryAddress
	Store    StoreContact
	// CapturedText and RefundedText, when set, show what was taken and
	// given back (data-testid captured-total, refunded-total).
	CapturedText, RefundedText string
	// AuthorizedText, when set, is the amount reserved on the card and
	// not taken yet (data-testid authorized-total).
	AuthorizedText string
}

// DeliveryAddress is where an order is delivered.
type DeliveryAddress struct {
	Name, Address, Country, Phone string
}

// StoreContact is the shop's contact details on a receipt.
type StoreContact struct {
	Name, Email, Phone, Address string
}

// OrderRow is one line of the order history.
type OrderRow struct {
	Invoice   string
	URL       string
	DateText  string
	TotalText string
	Status    string
	// RefundedText and AuthorizedText, when set, say what was given back
	// or is only reserved (views/order_money.templ).
	RefundedText, AuthorizedText string
}

// OrdersView is GET /orders.
type OrdersView struct {
	Page
	Orders []OrderRow
}

// SavedCardRow is one card on GET /account/cards.
type SavedCardRow struct {
	ID     int64
	Brand  string
	Masked string
	Expiry string
}

// CardsView is GET /account/cards.
type CardsView struct {
	Page
	Cards []SavedCardRow
}

// AuthView is the login and register forms.
type AuthView struct {
	Page
	Email     string
	Name      string // register only
	Errors    FieldErrors
	FormError string
	Next      string // local path to return to after login
}

// ErrorView is the one error page.
type ErrorView struct {
	Page
	Status  int
	Message string
}

// IDR formats whole rupiah the Indonesian way, Rp 1.250.000, whatever the
// reader's language: the back office's and the merchant's figures.
func IDR(amount int64) string { return i18n.For(i18n.Indonesian).Money(amount) }

// DateWIB formats a time in the merchant's clock for the back office (in
// English): 23 Nov 2026, 14:05 WIB.
func DateWIB(t time.Time) string { return i18n.For(i18n.English).Date(t) }
