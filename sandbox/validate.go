package sandbox

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field limits of docs/doku-api.md §5.2 and §12.
const (
	maxAmount          = 999_999_999_999
	maxQuantity        = 9_999
	maxInvoiceCard     = 30
	maxInvoiceCheckout = 64
	maxCustomerID      = 50
	maxName            = 255
	maxEmail           = 128
	maxPhone           = 16
	maxAddress         = 400
	maxURL             = 2048
	maxToken           = 128
	maxDueMinutes      = 43_200
)

// validator keeps the first field error.
type validator struct {
	resp *apiResponse
}

func (v *validator) fail(field, reason string) {
	if v.resp == nil {
		r := fieldError(field, reason)
		v.resp = &r
	}
}

func (v *validator) check(ok bool, field, reason string) {
	if !ok {
		v.fail(field, reason)
	}
}

// text checks an optional string: at most max characters, printable.
func (v *validator) text(field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.fail(field, fmt.Sprintf(reasonMaxLen, max))
		return
	}
	v.check(printable(s), field, reasonPrintable)
}

// required checks a mandatory string.
func (v *validator) required(field, s string, max int) {
	if strings.TrimSpace(s) == "" {
		v.fail(field, reasonMandatory)
		return
	}
	v.text(field, s, max)
}

func (v *validator) amount(field string, n int64) {
	v.check(n >= 1 && n <= maxAmount, field, reasonAmount)
}

// lineItems checks each item and that Σ price × quantity equals amount.
func (v *validator) lineItems(items []lineItem, amount int64) {
	var sum int64
	overflow := false
	for i, it := range items {
		p := fmt.Sprintf("order.line_items[%d].", i)
		v.text(p+"name", it.Name, maxName)
		v.check(onlyChars(it.Name, itemNameExtra), p+"name", reasonItemNameChars)
		v.check(it.Price >= 0 && it.Price <= maxAmount, p+"price", reasonPrice)
		v.check(it.Quantity >= 1 && it.Quantity <= maxQuantity, p+"quantity", reasonQuantity)
		if v.resp != nil {
			return
		}
		sum += it.Price * it.Quantity
		if sum > maxAmount {
			overflow = true
			break
		}
	}
	if len(items) > 0 {
		v.check(!overflow && sum == amount, "order.line_items", reasonLineItemsSum)
	}
}

// customer checks the optional customer fields.
func (v *validator) customer(c customerIn) {
	v.text("customer.id", c.ID, maxCustomerID)
	v.text("customer.name", c.Name, maxName)
	v.check(alphabetic(c.Name), "customer.name", reasonAlphabetic)
	v.text("customer.email", c.Email, maxEmail)
	if c.Email != "" {
		v.check(strings.Count(c.Email, "@") == 1 && !strings.HasPrefix(c.Email, "@") && !strings.HasSuffix(c.Email, "@"), "customer.email", reasonEmail)
	}
	if c.Phone != "" {
		v.check(isDigits(c.Phone), "customer.phone", reasonDigits)
		v.check(len(c.Phone) <= maxPhone, "customer.phone", fmt.Sprintf(reasonMaxLen, maxPhone))
		v.check(c.Phone[0] != '0', "customer.phone", reasonPhoneCountry)
	}
	v.text("customer.address", c.Address, maxAddress)
	v.check(onlyChars(c.Address, addressExtra), "customer.address", reasonAddressChars)
	if c.Country != "" {
		v.check(len(c.Country) == 2 && isLetter(c.Country[0]) && isLetter(c.Country[1]), "customer.country", reasonCountry)
	}
}

// Characters DOKU accepts besides ASCII letters and digits, as the sandbox
// holds a merchant to them: what DOKU's own plugins keep before sending
// (WOO JokulCheckoutModule.php:103 for item names, :230 for addresses),
// the address set with the hyphen their pattern loses by a slip.
// DOKU's "Allowed chars: alphabetic" (CHARGE) rules customer.name.
const (
	itemNameExtra = "? .,_-"
	addressExtra  = "? ./+,=_:@-"
)

// onlyChars reports whether s has ASCII letters, digits and extra only.
func onlyChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && !strings.ContainsRune(extra, rune(c)) {
			return false
		}
	}
	return true
}

// alphabetic reports whether s has letters (of any script) and spaces only.
func alphabetic(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != ' ' {
			return false
		}
	}
	return true
}

// absoluteURL checks a mandatory absolute http(s) URL.
func (v *validator) absoluteURL(field, s string) {
	if s == "" {
		v.fail(field, reasonMandatory)
		return
	}
	v.check(isAbsoluteURL(s), field, reasonURL)
}

func isAbsoluteURL(s string) bool {
	if len(s) > maxURL || !printable(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func isLetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// isLowerHex reports whether s is n lowercase hex characters.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
			return false
		}
	}
	return true
}
