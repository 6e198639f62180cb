package views

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// storeName is the demo store's name, for a page built without the shop's (Page.Shop).
const storeName = "Toko Kita"

// pageTitle is the document title: the page's own title, then the store's.
func pageTitle(p Page) string {
	if p.Title == "" {
		return shopName(p)
	}
	return p.Title + " · " + shopName(p)
}

// errorID is the id of the message element under an invalid field.
func errorID(field string) string { return field + "-error" }

// invalid returns the ARIA attributes of a field: aria-describedby lists its hints
// and, when the field has an error, its message, which also sets aria-invalid.
func invalid(errs FieldErrors, field string, hintIDs ...string) templ.Attributes {
	ids := hintIDs
	attrs := templ.Attributes{}
	if errs.Has(field) {
		attrs["aria-invalid"] = "true"
		ids = append(ids[:len(ids):len(ids)], errorID(field))
	}
	if len(ids) > 0 {
		attrs["aria-describedby"] = strings.Join(ids, " ")
	}
	return attrs
}

// statusClass maps an order status to its badge's CSS class.
func statusClass(status string) string {
	switch status {
	case "SUCCESS":
		return "badge badge-success"
	case "FAILED":
		return "badge badge-failed"
	case "PENDING", "AUTHORIZED", "PARTIALLY_REFUNDED":
		return "badge badge-pending"
	case "REFUNDED", "VOIDED":
		return "badge badge-failed"
	}
	return "badge"
}

// id64 renders an ID for a URL path, an attribute value or an element id.
func id64(id int64) string { return strconv.FormatInt(id, 10) }

// paymentChoice reports whether the shopper picks between the card form and DOKU's
// hosted page; otherwise the only enabled mode is sent in a hidden field.
func paymentChoice(v CheckoutView) bool { return v.DirectEnabled && v.HostedEnabled }

// onlyMode is the single enabled payment mode, or "" when none is.
func onlyMode(v CheckoutView) string {
	switch {
	case v.DirectEnabled:
		return "direct"
	case v.HostedEnabled:
		return "hosted"
	}
	return ""
}

// modeChecked reports whether radio mode is selected; direct is the default.
func modeChecked(v CheckoutView, mode string) bool {
	if v.Form.Mode == "direct" || v.Form.Mode == "hosted" {
		return v.Form.Mode == mode
	}
	return mode == "direct"
}

// withRefresh is the receipt's page. It no longer refreshes itself with a
// meta refresh (screen readers flag it): the receipt's script follows the
// status, see receiptContent.
func withRefresh(v ReceiptView) Page { return v.Page }
