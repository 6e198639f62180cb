// Package route names every URL path of the shop once. The router
// registers these patterns, the views link to them and the payment flow
// builds DOKU's callback URLs from them, so a path changed here changes
// everywhere at once. It imports nothing of the project.
package route

import (
	"net/url"
	"strconv"
)

// Patterns as the router registers them (":name" is a parameter).
const (
	Health        = "/healthz"
	Ready         = "/readyz" // for a load balancer: 503 while the database cannot be reached
	Static        = "/static/:version/*"
	StaticRoot    = "/static/"
	Catalog       = "/"
	Cart          = "/cart"
	CartItems     = "/cart/items"
	CartItem      = "/cart/items/:id"
	Checkout      = "/checkout"
	ThreeDSRoot   = "/checkout/3ds/"
	ThreeDSPassed = "/checkout/3ds/:ref/success"
	ThreeDSFailed = "/checkout/3ds/:ref/failed"
	Notification  = "/notifications/doku"
	Receipt       = "/orders/:invoice"
	ReceiptStatus = "/orders/:invoice/status"
	Orders        = "/orders"
	Cards         = "/account/cards"
	CardDelete    = "/account/cards/:id/delete"
	Register      = "/register"
	Login         = "/login"
	Logout        = "/logout"
)

// Patterns of the pages mounted only with the embedded DOKU sandbox: the
// outbox of e-mails, so a demo needs no mail server.
const (
	SandboxMail     = "/_sandbox/mail"
	SandboxMailItem = "/_sandbox/mail/:id"
	SandboxMailHTML = "/_sandbox/mail/:id/html"
)

// SandboxPatterns lists the patterns mounted only with the embedded sandbox.
func SandboxPatterns() []string {
	return []string{SandboxMail, SandboxMailItem, SandboxMailHTML}
}

// SandboxMailPath is one mail of the sandbox's outbox page.
func SandboxMailPath(id int64) string {
	return SandboxMail + "/" + strconv.FormatInt(id, 10)
}

// SandboxMailHTMLPath is the HTML body of one mail, framed by its page.
func SandboxMailHTMLPath(id int64) string {
	return SandboxMailPath(id) + "/html"
}

// The back office (see handlers/admin*.go). Every path starts with
// AdminPrefix, which a shopper's session never opens.
const (
	AdminPrefix       = "/admin/"
	AdminDashboard    = "/admin/"
	AdminLogin        = "/admin/login"
	AdminLogout       = "/admin/logout"
	AdminSetup        = "/admin/setup"
	AdminProducts     = "/admin/products"
	AdminProductNew   = "/admin/products/new"
	AdminProduct      = "/admin/products/:id"
	AdminOrders       = "/admin/orders"
	AdminOrdersCSV    = "/admin/orders.csv"
	AdminOrder        = "/admin/orders/:invoice"
	AdminOrderCapture = "/admin/orders/:invoice/capture"
	AdminOrderVoid    = "/admin/orders/:invoice/void"
	AdminOrderRefund  = "/admin/orders/:invoice/refund"
	AdminOrderCheck   = "/admin/orders/:invoice/check"
	AdminSettings     = "/admin/settings"
	AdminStaff        = "/admin/staff"
	AdminStaffMember  = "/admin/staff/:id"
	ProductImage      = "/images/:name"
	ProductImageRoot  = "/images/"

	// An owner's TOTP second factor: the login's second step, and setting
	// it up (the QR code is shown only while a setup is pending).
	AdminLoginCode   = "/admin/login/code"
	AdminTOTP        = "/admin/totp"
	AdminTOTPQR      = "/admin/totp/qr.png"
	AdminTOTPEnable  = "/admin/totp/enable"
	AdminTOTPDisable = "/admin/totp/disable"
)

// AdminPatterns lists the back office's patterns (part of Patterns).
func AdminPatterns() []string {
	return []string{AdminDashboard, AdminLogin, AdminLogout, AdminSetup, AdminStaff, AdminStaffMember,
		AdminOrders, AdminOrdersCSV, AdminOrder, AdminOrderCapture, AdminOrderVoid, AdminOrderRefund, AdminOrderCheck,
		AdminProducts, AdminProductNew, AdminProduct, ProductImage, AdminSettings,
		AdminLoginCode, AdminTOTP, AdminTOTPQR, AdminTOTPEnable, AdminTOTPDisable}
}

// AdminOrderPath is an order's page in the back office; action, when not
// empty, is one of its actions ("capture", "void", "refund", "check").
func AdminOrderPath(invoice, action string) string {
	p := AdminOrders + "/" + url.PathEscape(invoice)
	if action != "" {
		p += "/" + action
	}
	return p
}

// AdminProductPath is a product's edit page in the back office.
func AdminProductPath(id int64) string {
	return AdminProducts + "/" + strconv.FormatInt(id, 10)
}

// AdminStaffMemberPath is where a staff account is changed.
func AdminStaffMemberPath(id int64) string {
	return AdminStaff + "/" + strconv.FormatInt(id, 10)
}

// ProductImagePath is where a product's uploaded image is served.
func ProductImagePath(name string) string {
	return ProductImageRoot + url.PathEscape(name)
}

// Patterns lists every pattern above that the router registers.
func Patterns() []string {
	return append([]string{Health, Ready, Static, Catalog, Cart, CartItems, CartItem, Checkout, ThreeDSPassed, ThreeDSFailed,
		Notification, Receipt, ReceiptStatus, Orders, Cards, CardDelete, Register, Login, Logout}, AdminPatterns()...)
}

// CartItemPath is where a cart line's quantity is changed.
func CartItemPath(productID int64) string {
	return CartItems + "/" + strconv.FormatInt(productID, 10)
}

// CardDeletePath is where a saved card is removed.
func CardDeletePath(cardID int64) string {
	return Cards + "/" + strconv.FormatInt(cardID, 10) + "/delete"
}

// ThreeDSReturnPath is the callback path DOKU sends the browser back to
// after 3-D Secure: the order is found by ref alone.
func ThreeDSReturnPath(ref string, passed bool) string {
	outcome := "/failed"
	if passed {
		outcome = "/success"
	}
	return ThreeDSRoot + url.PathEscape(ref) + outcome
}

// CheckoutRetryPath is the checkout to pay again after order invoice did
// not go through: the form comes filled with that order's details.
func CheckoutRetryPath(invoice string) string {
	if invoice == "" {
		return Checkout
	}
	return Checkout + "?retry=" + url.QueryEscape(invoice)
}

// ReceiptStatusPath is where the receipt page's script reads the order's
// status; key is passed on as for the receipt itself.
func ReceiptStatusPath(invoice, key string) string {
	p := Orders + "/" + url.PathEscape(invoice) + "/status"
	if key != "" {
		p += "?k=" + url.QueryEscape(key)
	}
	return p
}

// ReceiptPath is an order's receipt; key, when not empty, is the guest's
// receipt key that opens it without a login.
func ReceiptPath(invoice, key string) string {
	p := Orders + "/" + url.PathEscape(invoice)
	if key != "" {
		p += "?k=" + url.QueryEscape(key)
	}
	return p
}

// LoginThen is the login page that leads back to next (a local path).
func LoginThen(next string) string {
	return Login + "?next=" + url.QueryEscape(next)
}
