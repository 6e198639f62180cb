package payment

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"doku-checkout/doku"
	"doku-checkout/store"
)

// DOKU's field rules, in one place. The checkout form is validated with
// them (validate.go) and every customer block and line item sent to DOKU
// is built through them, so what the form accepted is exactly what DOKU
// receives: nothing the charge would refuse reaches 3-D Secure.
//
// Sources (docs/doku-api.md §5.2, §12): DOKU's stated limits (CHARGE,
// CO-BE) and what DOKU's own plugins strip before sending (WOO, MAG).
// DOKU does not publish which characters it refuses; the plugins' sets
// are the best evidence, and the sandbox holds us to them.

// Limits from the Charge page (CHARGE; docs/doku-api.md §5.2).
const (
	MaxNameLen     = 255
	MaxEmailLen    = 128
	MaxPhoneLen    = 16
	MinPhoneLen    = 8
	MaxAddressLen  = 400
	MaxItemNameLen = 255
	maxQuantity    = 9999 // 4 digits
)

// GatewayName is the customer name as sent: DOKU allows "alphabetic"
// characters only, so dots, commas, hyphens and apostrophes (which the form
// accepts: "Anne-Marie O'Neil Jr.") become spaces. Letters of any script
// are kept.
func GatewayName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// GatewayAddress is the address as sent: line breaks and tabs fold into
// ", " (the form's textarea allows several lines; DOKU refuses control
// characters), accents lose their marks, and characters outside the set
// DOKU's plugins keep (letters, digits, space and ? . / + , = _ : @) are
// dropped, except the hyphen, which the plugins lose only by a slip in
// their pattern ("No. 1-3" must not become "No. 13").
//
// Neither GatewayName nor GatewayAddress cuts: an over-long value is the
// form's to refuse, not ours to shorten.
func GatewayAddress(s string) string {
	return collapseSpaces(keepASCII(FoldLines(s), addressChars))
}

// FoldLines joins the lines of a multi-line address with ", ", dropping
// empty lines and doubled commas: the checkout form does it before
// anything is stored.
func FoldLines(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f' })
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.Trim(strings.TrimSpace(l), ","))
	}
	return strings.Join(nonEmpty(lines), ", ")
}

// GatewayItemName is a product name as sent in line_items[].name: "&"
// reads "and", accents lose their marks, and characters outside the set
// DOKU's plugins keep (letters, digits, space and ? . , _ -) are dropped:
// quotes, emoji, symbols. At most 255 characters; never empty.
func GatewayItemName(s string) string {
	s = strings.ReplaceAll(s, "&", " and ")
	s = truncateRunes(collapseSpaces(keepASCII(s, itemNameChars)), MaxItemNameLen)
	if s == "" {
		return "Item"
	}
	return s
}

// NormalizePhone drops separators and writes the number with its country
// code, digits only, as DOKU wants it ({calling_code}{number}): "0812…",
// "+62 812-…", "0062 812…" and "+62 (0)812…" all become "62812…". WOO does the same
// for 08…; MAG strips non-digits.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+")
	if strings.HasPrefix(s, "00") {
		s = s[2:] // 0062…: the international call prefix
	}
	switch {
	case strings.HasPrefix(s, "620"):
		s = "62" + s[3:] // +62 (0)812…: the trunk 0 does not follow a country code
	case strings.HasPrefix(s, "0"):
		s = "62" + s[1:]
	}
	return s
}

// gatewayCustomer is the customer block for DOKU, built through the rules.
func gatewayCustomer(c Contact) *doku.Customer {
	return &doku.Customer{
		Name:    GatewayName(c.Name),
		Email:   c.Email,
		Phone:   NormalizePhone(c.Phone),
		Address: GatewayAddress(c.Address),
		Country: c.Country,
	}
}

// orderContact is an order's stored contact details.
func orderContact(o store.Order) Contact {
	return Contact{Name: o.Name, Email: o.Email, Phone: o.Phone, Address: o.Address, Country: o.Country}
}

// gatewayCustomerProblems checks a customer block as DOKU would and names
// each field it would refuse. The form runs it on what it will send.
func gatewayCustomerProblems(c *doku.Customer) map[string]string {
	p := map[string]string{}
	if n := utf8.RuneCountInString(c.Name); n == 0 || n > MaxNameLen || c.Name != GatewayName(c.Name) {
		p["name"] = "alphabetic, 1 to 255 characters"
	}
	if len(c.Email) > MaxEmailLen {
		p["email"] = "at most 128 characters"
	}
	if !allDigits(c.Phone) || len(c.Phone) < MinPhoneLen || len(c.Phone) > MaxPhoneLen || c.Phone[0] == '0' {
		p["phone"] = "digits with the country code first, 8 to 16"
	}
	if n := utf8.RuneCountInString(c.Address); n == 0 || n > MaxAddressLen || c.Address != GatewayAddress(c.Address) {
		p["address"] = "printable, 1 to 400 characters"
	}
	return p
}

// gatewayLineItems is the order's lines as DOKU's line_items: names
// cleaned, and summing exactly to amount ("Total price and quantity must
// match with the order.amount", CHARGE). A shortfall becomes a fee line,
// as WOO adds its fee lines. Lines that add up to more than the amount (a
// discount) cannot be sent: DOKU's acceptance of a negative line is
// unknown, so then no lines go at all (they are optional).
func gatewayLineItems(lines []store.OrderLine, amount int64) []doku.LineItem {
	var items []doku.LineItem
	var sum int64
	for _, l := range lines {
		if l.Quantity < 1 || l.Quantity > maxQuantity || l.PriceIDR < 0 {
			return nil
		}
		items = append(items, doku.LineItem{Name: GatewayItemName(l.Name), Price: l.PriceIDR, Quantity: l.Quantity})
		sum += l.PriceIDR * int64(l.Quantity)
		if sum > MaxAmountIDR {
			return nil
		}
	}
	switch {
	case sum == amount:
		return items
	case sum < amount:
		return append(items, doku.LineItem{Name: "Fee", Price: amount - sum, Quantity: 1})
	}
	return nil
}

// errGatewayFields: an order whose details DOKU would refuse; the form
// should have stopped it.
func errGatewayFields(p map[string]string) error {
	return fmt.Errorf("payment: customer details DOKU would refuse: %v", p)
}

// Characters DOKU's plugins keep (WOO JokulCheckoutModule.php:103,230; MAG
// RequestCheckout.php:157,253), letters and digits besides.
const (
	itemNameChars = "? .,_-"
	addressChars  = "? ./+,=_:@-"
)

// keepASCII folds accented Latin letters to plain ones and keeps ASCII
// letters, digits and the extra characters; everything else goes.
func keepASCII(s, extra string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := latinFold[r]; ok {
			b.WriteString(f)
			continue
		}
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(extra, r)):
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// latinFold spells accented Latin letters without their marks.
var latinFold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'Æ': "AE", 'ø': "o", 'Ø': "O"}
	for base, accented := range map[string]string{
		"a": "àáâãäå", "A": "ÀÁÂÃÄÅ", "c": "ç", "C": "Ç", "e": "èéêë", "E": "ÈÉÊË",
		"i": "ìíîï", "I": "ÌÍÎÏ", "n": "ñ", "N": "Ñ", "o": "òóôõö", "O": "ÒÓÔÕÖ",
		"u": "ùúûü", "U": "ÙÚÛÜ", "y": "ýÿ", "Y": "Ý",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

func nonEmpty(list []string) []string {
	out := list[:0]
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}
