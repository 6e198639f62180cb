package doku

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// OrderResult is the order block of an answer or a notification.
//
// DOKU sends amounts as whole-rupiah integers, but its own July 2025 Check
// Status sample writes "amount": 120000.0 (CL-2507). Amount holds the
// whole rupiah when the number written is a whole number (120000 and
// 120000.0 alike); a number with a fraction (120000.5) or over 12 digits
// decodes without error but leaves Amount 0, which no order has: the
// caller's amount check then refuses it as a mismatch. An amount that is
// not a JSON number at all (a string, an object) is an answer not
// understood: decoding fails.
type OrderResult struct {
	InvoiceNumber string
	Amount        int64
	// AmountText is the amount exactly as DOKU wrote it, for the logs.
	AmountText string
	// Status is order.status of a Checkout order in Check Status:
	// ORDER_GENERATED, ORDER_EXPIRED, ORDER_RECOVERED; "" when absent.
	Status string
}

// UnmarshalJSON decodes the order block leniently (see OrderResult).
func (o *OrderResult) UnmarshalJSON(b []byte) error {
	var raw struct {
		InvoiceNumber string          `json:"invoice_number"`
		Amount        json.RawMessage `json:"amount"`
		Status        json.RawMessage `json:"status"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if a := bytes.TrimSpace(raw.Amount); len(a) > 0 && !bytes.Equal(a, []byte("null")) {
		var n json.Number
		if err := json.Unmarshal(a, &n); err != nil || a[0] == '"' {
			return errors.New("order.amount is not a number")
		}
	}
	*o = OrderResult{InvoiceNumber: raw.InvoiceNumber, AmountText: string(raw.Amount)}
	o.Amount, _ = WholeRupiah(raw.Amount)
	o.Status = firstString(raw.Status)
	return nil
}

// WholeRupiah reads a JSON number that is a whole, non-negative number of
// rupiah of at most 12 digits, written with or without a zero fraction
// ("120000", "120000.0", "120000.00"). Anything else is not an amount.
func WholeRupiah(raw json.RawMessage) (int64, bool) {
	s := string(bytes.TrimSpace(raw))
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (frac == "" || strings.Trim(frac, "0") != "") {
		return 0, false
	}
	if whole == "" || len(whole) > 12 || !allDigits(whole) || (len(whole) > 1 && whole[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	return n, err == nil
}

// firstString reads a JSON string, or the first string of an array of
// strings (CO-STATUS types order.status as an array; every sample shows a
// string). Anything else reads as "".
func firstString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return list[0]
	}
	return ""
}

// MarshalJSON writes the order block back with the amount as an integer.
func (o OrderResult) MarshalJSON() ([]byte, error) {
	type out struct {
		InvoiceNumber string `json:"invoice_number,omitempty"`
		Amount        int64  `json:"amount"`
		Status        string `json:"status,omitempty"`
	}
	return json.Marshal(out{o.InvoiceNumber, o.Amount, o.Status})
}
