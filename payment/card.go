package payment

import (
	"strings"
	"time"
)

// Card brands as DOKU names them.
const (
	BrandVisa   = "VISA"
	BrandMaster = "MASTER"
	BrandJCB    = "JCB"
	BrandAmex   = "AMEX"
)

// NormalizeCardNumber drops the spaces and dashes shoppers type.
func NormalizeCardNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// Luhn reports whether a string of digits passes the Luhn check.
func Luhn(number string) bool {
	if number == "" {
		return false
	}
	sum, double := 0, false
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Brand guesses the card brand from its prefix; "" when unknown.
func Brand(number string) string {
	switch {
	case strings.HasPrefix(number, "4"):
		return BrandVisa
	case strings.HasPrefix(number, "34"), strings.HasPrefix(number, "37"):
		return BrandAmex
	case strings.HasPrefix(number, "35"):
		return BrandJCB
	case len(number) >= 2 && number[0] == '5' && number[1] >= '1' && number[1] <= '5':
		return BrandMaster
	case len(number) >= 4 && number[:4] >= "2221" && number[:4] <= "2720":
		return BrandMaster
	}
	return ""
}

// Mask keeps the first six and last four digits, DOKU's style: 411111******1111.
func Mask(number string) string {
	if len(number) < 11 {
		return strings.Repeat("*", len(number))
	}
	return number[:6] + strings.Repeat("*", len(number)-10) + number[len(number)-4:]
}

// NormalizeExpiry accepts what shoppers type — MMYY, MM/YY, MM / YY,
// MM/YYYY, M/YY, MM-YY — and returns MMYY. Anything else comes back without
// its spaces and slashes, for the validation to refuse.
func NormalizeExpiry(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	month, year, found := strings.Cut(strings.ReplaceAll(s, "-", "/"), "/")
	if !found {
		if len(s) == 6 && allDigits(s) && s[2:4] == "20" { // MMYYYY
			return s[:2] + s[4:]
		}
		return s
	}
	if len(year) == 4 && strings.HasPrefix(year, "20") {
		year = year[2:]
	}
	if len(month) == 1 && len(year) == 2 {
		month = "0" + month
	}
	return month + strings.ReplaceAll(year, "/", "")
}

// ExpiryValid reports whether MMYY is a real month not yet past at now.
func ExpiryValid(mmyy string, now time.Time) bool {
	if len(mmyy) != 4 || !allDigits(mmyy) {
		return false
	}
	month := int(mmyy[0]-'0')*10 + int(mmyy[1]-'0')
	year := 2000 + int(mmyy[2]-'0')*10 + int(mmyy[3]-'0')
	if month < 1 || month > 12 {
		return false
	}
	// A card is good through the last day of its expiry month.
	endOfMonth := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
	return now.Before(endOfMonth)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// LiabilityShifted reports whether a charge's ECI (Electronic Commerce
// Indicator) says 3-D Secure authenticated the cardholder, or the issuer
// took part in an attempt, so that a fraud chargeback is the issuer's:
// 05 and 06 for VISA, JCB and AMEX; 02 and 01 for Mastercard. Anything else
// (07, 00, none) leaves it with the merchant. See docs/doku-api.md.
func LiabilityShifted(eci, brand string) bool {
	if brand == BrandMaster {
		return eci == "02" || eci == "01"
	}
	return eci == "05" || eci == "06"
}
