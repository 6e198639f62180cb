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

// FieldErrors maps a form field to a message for the shopper.
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
		errs["name"] = "Enter your name."
	case n > MaxNameLen:
		errs["name"] = "Your name is too long (at most 255 characters)."
	case !nameChars(in.Name):
		errs["name"] = "Use letters, spaces, dots, commas, hyphens and apostrophes only."
	}
	if in.Email == "" {
		errs["email"] = "Enter your email address."
	} else if len(in.Email) > MaxEmailLen {
		errs["email"] = "Your email address is too long (at most 128 characters)."
	} else if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || !strings.Contains(in.Email[strings.LastIndex(in.Email, "@"):], ".") {
		errs["email"] = "Enter an email address like name@example.com."
	}
	switch {
	case in.Phone == "":
		errs["phone"] = "Enter your phone number."
	case !allDigits(in.Phone):
		errs["phone"] = "Use digits only, with the country code, e.g. 6281234567890."
	case len(in.Phone) < MinPhoneLen || len(in.Phone) > MaxPhoneLen:
		errs["phone"] = "A phone number has 8 to 16 digits, with the country code."
	}
	switch n := utf8.RuneCountInString(FoldLines(in.Address)); {
	case n == 0:
		errs["address"] = "Enter your address."
	case n > MaxAddressLen:
		errs["address"] = "Your address is too long (at most 400 characters)."
	case strings.ContainsFunc(in.Address, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }):
		errs["address"] = "Your address contains characters we cannot send."
	}
	// What DOKU will get is held to DOKU's rules here, before 3-D Secure:
	// the same rules build the charge (gateway.go).
	for field, msg := range map[string]string{
		"name":    "Use letters in your name.",
		"phone":   "Use digits only, with the country code, e.g. 6281234567890.",
		"address": "Use letters and digits in your address.",
		"email":   "Your email address is too long (at most 128 characters).",
	} {
		if _, ok := errs[field]; !ok {
			if _, bad := gatewayCustomerProblems(gatewayCustomer(in.Contact))[field]; bad {
				errs[field] = msg
			}
		}
	}
	if !countries[in.Country] {
		errs["country"] = "Choose your country."
	}
	if !modes[in.Mode] {
		errs["mode"] = "Choose how to pay."
		return errs
	}
	if in.Mode == ModeHosted || in.SavedCardID != 0 {
		return errs
	}
	num := in.Card.Number
	switch {
	case num == "":
		errs["card_number"] = "Enter your card number."
	case !allDigits(num) || len(num) < 13 || len(num) > 19:
		errs["card_number"] = "A card number has 13 to 19 digits."
	case !Luhn(num):
		errs["card_number"] = "This card number is not valid. Check the digits."
	}
	if in.Card.Expiry == "" {
		errs["card_expiry"] = "Enter the expiry date as MMYY."
	} else if !ExpiryValid(in.Card.Expiry, now) {
		if len(in.Card.Expiry) == 4 && allDigits(in.Card.Expiry) && in.Card.Expiry[:2] >= "01" && in.Card.Expiry[:2] <= "12" {
			errs["card_expiry"] = "This card has expired."
		} else {
			errs["card_expiry"] = "Enter the expiry date as MMYY, e.g. 0829."
		}
	}
	cvvLen := 3
	if Brand(num) == BrandAmex {
		cvvLen = 4
	}
	if in.Card.CVV == "" {
		errs["card_cvv"] = "Enter the security code from the back of the card."
	} else if !allDigits(in.Card.CVV) || len(in.Card.CVV) != cvvLen {
		if cvvLen == 4 {
			errs["card_cvv"] = "An American Express security code has 4 digits."
		} else {
			errs["card_cvv"] = "The security code has 3 digits."
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
