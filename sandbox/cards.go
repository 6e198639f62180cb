package sandbox

import (
	"strings"
	"time"
)

// behavior is what a test card makes the sandbox do (docs/doku-api.md §14).
type behavior int

const (
	behaviorApprove           behavior = iota // SUCCESS 00
	behaviorDoNotHonour                       // FAILED 05
	behaviorInsufficientFunds                 // FAILED 51
	behaviorFail3DS                           // the OTP never passes
	behaviorPending                           // PENDING, SUCCESS after PendingDelay
	behaviorServerError                       // SUCCESS, but the charge answers HTTP 500
	behaviorSlow                              // SUCCESS, answered after SlowDelay
	behaviorBadSignature                      // SUCCESS, response signed with a wrong key
)

// testCards is the table of docs/doku-api.md §14. Any other valid card approves.
var testCards = map[string]behavior{
	"4111111111111111": behaviorApprove,
	"5573381011111101": behaviorApprove,
	"4000000000000002": behaviorDoNotHonour,
	"4000000000009995": behaviorInsufficientFunds,
	"4000000000000101": behaviorFail3DS,
	"4000000000000259": behaviorPending,
	"4000000000000119": behaviorServerError,
	"4000000000000341": behaviorSlow,
	"4000000000000200": behaviorBadSignature,
	"3530111333300000": behaviorApprove,
	"378282246310005":  behaviorApprove,
}

// Card brands.
const (
	brandVisa   = "VISA"
	brandMaster = "MASTER"
	brandJCB    = "JCB"
	brandAmex   = "AMEX"
)

// Issuers reported in card.issuer.
const (
	issuerMandiri  = "Bank Mandiri"
	issuerSandbox  = "DOKU Sandbox Bank"
	cardTypeCredit = "CREDIT"
)

// ISO 8583 response codes and the messages the sandbox sends with them.
const (
	rcApproved          = "00"
	rcReferToIssuer     = "01" // with SUCCESS in DOKU's own sample
	rcApprovedVIP       = "11"
	rcDoNotHonour       = "05"
	rcInsufficientFunds = "51"
	rcExpiredCard       = "54"
	rcInProgress        = "09"

	rmApproved          = "Approved"
	rmSuksesTransaksi   = "sukses transaksi"
	rmApprovedVIP       = "Approved (VIP)"
	rmDoNotHonour       = "Do not honour"
	rmInsufficientFunds = "Insufficient funds"
	rmExpiredCard       = "Expired card"
	rmInProgress        = "Request in progress"
)

// cardData is a card the sandbox holds in memory. The number never leaves
// the sandbox: logs, pages and responses only see masked(). It is held
// only while the card may still be charged (an authentication in progress,
// a saved card); after that withoutNumber keeps the masked form instead.
type cardData struct {
	number string // the PAN, or "" once dropped
	mask   string // masked(), kept when the number is dropped
	expiry string // MMYY
	brand  string
}

// masked is the first 6 digits, stars, and the last 4.
func (c cardData) masked() string {
	if c.number == "" {
		return c.mask
	}
	return maskPAN(c.number)
}

// withoutNumber is the card as responses and the status check show it,
// without the PAN: what a charged, failed or old record keeps.
func (c cardData) withoutNumber() cardData {
	return cardData{mask: c.masked(), expiry: c.expiry, brand: c.brand}
}

// issuer reads the BIN, which masked() keeps.
func (c cardData) issuer() string {
	if strings.HasPrefix(c.masked(), "557338") {
		return issuerMandiri
	}
	return issuerSandbox
}

func (c cardData) behavior() behavior { return testCards[c.number] }

// maskPAN masks a card number: first 6, stars, last 4.
func maskPAN(n string) string {
	if len(n) < 11 {
		return strings.Repeat("*", len(n))
	}
	return n[:6] + strings.Repeat("*", len(n)-10) + n[len(n)-4:]
}

// luhn reports whether the digit string n passes the Luhn check.
func luhn(n string) bool {
	sum := 0
	double := false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// brandOf returns the brand for a card number's prefix, or "" if unsupported.
func brandOf(n string) string {
	if len(n) < 4 {
		return ""
	}
	p2 := atoiDigits(n[:2])
	p4 := atoiDigits(n[:4])
	switch {
	case n[0] == '4':
		return brandVisa
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720:
		return brandMaster
	case p2 == 35:
		return brandJCB
	case p2 == 34, p2 == 37:
		return brandAmex
	}
	return ""
}

// checkCardNumber returns a reason when n is not an acceptable card number.
func checkCardNumber(n string) string {
	if !isDigits(n) {
		return reasonDigits
	}
	if len(n) < 13 || len(n) > 19 || !luhn(n) {
		return reasonLuhn
	}
	b := brandOf(n)
	if b == "" {
		return reasonBrand
	}
	if b == brandAmex && len(n) != 15 {
		return reasonLuhn
	}
	return ""
}

// validExpiry reports whether e is MMYY with a month from 01 to 12.
func validExpiry(e string) bool {
	if len(e) != 4 || !isDigits(e) {
		return false
	}
	m := atoiDigits(e[:2])
	return m >= 1 && m <= 12
}

// expired reports whether MMYY expiry e is before now's month.
func expired(e string, now time.Time) bool {
	m := atoiDigits(e[:2])
	y := 2000 + atoiDigits(e[2:])
	now = now.UTC()
	return y < now.Year() || (y == now.Year() && m < int(now.Month()))
}

// validCVV reports whether cvv fits the brand: 3 digits, 4 for AMEX.
func validCVV(cvv, brand string) bool {
	want := 3
	if brand == brandAmex {
		want = 4
	}
	return len(cvv) == want && isDigits(cvv)
}

// outcome is how a charge ends.
type outcome struct {
	status  string
	code    string
	message string
}

// decide maps a card to its charge outcome (the final status) at now.
func decide(c cardData, now time.Time) outcome {
	if expired(c.expiry, now) {
		return outcome{statusFailed, rcExpiredCard, rmExpiredCard}
	}
	switch c.behavior() {
	case behaviorDoNotHonour:
		return outcome{statusFailed, rcDoNotHonour, rmDoNotHonour}
	case behaviorInsufficientFunds:
		return outcome{statusFailed, rcInsufficientFunds, rmInsufficientFunds}
	}
	return approvedOutcome(c)
}

// approvedOutcome is a SUCCESS with the response code this card's issuer
// gives. DOKU's own success sample answers 01 "sukses transaksi" (its card
// 5573381011111101 answers so here too), so approval is payment.status,
// never response_code == "00": JCB answers 11, AMEX an empty code.
func approvedOutcome(c cardData) outcome {
	switch {
	case c.number == "5573381011111101":
		return outcome{statusSuccess, rcReferToIssuer, rmSuksesTransaksi}
	case c.brand == brandJCB:
		return outcome{statusSuccess, rcApprovedVIP, rmApprovedVIP}
	case c.brand == brandAmex:
		return outcome{statusSuccess, "", ""}
	}
	return outcome{statusSuccess, rcApproved, rmApproved}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoiDigits converts a short digit string; callers check isDigits first
// where it matters.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
