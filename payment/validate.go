package payment

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Contact is the shopper's details as sent to DOKU in customer.
type Contact struct {
	Name, Email, Phone, Address, Country string
}

// NewCard is a card typed by the shopper. It lives for one request and is
// never stored, logged or rendered.
type NewCard struct {
	Number, Expiry, CVV string
}

// CheckoutInput is the checkout form, already split into its fields.
type CheckoutInput struct {
	Contact
	Mode        string
	Card        NewCard // when SavedCardID == 0 in direct mode
	SaveCard    bool
	SavedCardID int64
}

// FieldErrors maps a form field to its message for the shopper, as a
// message key of the i18n catalog.
type FieldErrors map[string]string

// Normalize trims and canonicalises the input in place (address on one
// line, phone to 62…, country upper case, card number without spaces,
// expiry MMYY).
func (in *CheckoutInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	in.Address = FoldLines(in.Address) // one line, as DOKU will get it
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Phone = NormalizePhone(in.Phone)
	in.Card.Number = NormalizeCardNumber(in.Card.Number)
	in.Card.Expiry = NormalizeExpiry(in.Card.Expiry)
	in.Card.CVV = strings.TrimSpace(in.Card.CVV)
}

// Validate checks the input against DOKU's limits (docs/doku-api.md §5.2). countries is the set
// of accepted ISO codes; modes the enabled payment modes.
func (in *CheckoutInput) Validate(now time.Time, countries map[string]bool, modes map[string]bool) FieldErrors {
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs["name"] = "validate.name.missing"
	case n > MaxNameLen:
		errs["name"] = "validate.name.long"
	case !nameChars(in.Name):
		errs["name"] = "validate.name.chars"
	}
	if in.Email == "" {
		errs["email"] = "validate.email.missing"
	} else if len(in.Email) > MaxEmailLen {
		errs["email"] = "validate.email.long"
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || !strings.Contains(in.Email[strings.LastIndex(in.Email, "@"):], ".") {
		errs["email"] = "validate.email.invalid"
	}
	switch {
	case in.Phone == "":
		errs["phone"] = "validate.phone.missing"
	case !allDigits(in.Phone):
		errs["phone"] = "validate.phone.digits"
	case len(in.Phone) < MinPhoneLen || len(in.Phone) > MaxPhoneLen:
		errs["phone"] = "validate.phone.length"
	}
	switch n := utf8.RuneCountInString(FoldLines(in.Address)); {
	case n == 0:
		errs["address"] = "validate.address.missing"
	case n > MaxAddressLen:
		errs["address"] = "validate.address.long"
	case strings.ContainsFunc(in.Address, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }):
		errs["address"] = "validate.address.chars"
	}
	// What DOKU will get is held to DOKU's rules here, before 3-D Secure:
	// the same rules build the charge (gateway.go).
	for field, msg := range map[string]string{
		"name":    "validate.name.letters",
		"phone":   "validate.phone.digits",
		"address": "validate.address.letters",
		"email":   "validate.email.long",
	} {
		if _, ok := errs[field]; !ok {
			if _, bad := gatewayCustomerProblems(gatewayCustomer(in.Contact))[field]; bad {
				errs[field] = msg
			}
		}
	}
	if !countries[in.Country] {
		errs["country"] = "validate.country"
	}
	if !modes[in.Mode] {
		errs["mode"] = "validate.mode"
		return errs
	}
	if in.Mode == ModeHosted || in.SavedCardID != 0 {
		return errs
	}
	num := in.Card.Number
	switch {
	case num == "":
		errs["card_number"] = "validate.card_number.missing"
	case !allDigits(num) || len(num) < 13 || len(num) > 19:
		errs["card_number"] = "validate.card_number.length"
	case !Luhn(num):
		errs["card_number"] = "validate.card_number.luhn"
	}
	if in.Card.Expiry == "" {
		errs["card_expiry"] = "validate.card_expiry.missing"
	} else if !ExpiryValid(in.Card.Expiry, now) {
		if len(in.Card.Expiry) == 4 && allDigits(in.Card.Expiry) && in.Card.Expiry[:2] >= "01" && in.Card.Expiry[:2] <= "12" {
			errs["card_expiry"] = "validate.card_expiry.expired"
		} else {
			errs["card_expiry"] = "validate.card_expiry.invalid"
		}
	}
	cvvLen := 3
	if Brand(num) == BrandAmex {
		cvvLen = 4
	}
	if in.Card.CVV == "" {
		errs["card_cvv"] = "validate.card_cvv.missing"
	} else if !allDigits(in.Card.CVV) || len(in.Card.CVV) != cvvLen {
		if cvvLen == 4 {
			errs["card_cvv"] = "validate.card_cvv.amex"
		} else {
			errs["card_cvv"] = "validate.card_cvv.length"
		}
	}
	return errs
}

func nameChars(s string) bool {
	for _, r := range s {
		// A comma and dots come with academic titles ("Siti Rahma, S.Kom.");
		// GatewayName turns them into spaces for DOKU.
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !strings.ContainsRune(" .,-'", r) {
			return false
		}
	}
	return true
}
