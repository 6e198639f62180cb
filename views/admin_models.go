package views

// View models of the back office (handlers/admin*.go fill them).

// AdminPage is what the back office's layout needs on every page.
type AdminPage struct {
	Title        string
	StoreName    string
	CSRF         string
	StaffEmail   string // empty on the login and setup pages
	Owner        bool   // the signed-in account is an owner
	Flash        string
	StaticPrefix string
}

// AdminLoginView is GET/POST /admin/login and the setup page.
type AdminLoginView struct {
	AdminPage
	Email     string
	Next      string
	Token     string // the setup link's token (setup page only)
	Errors    FieldErrors
	FormError string
}

// AdminStaffRow is one account on the staff page.
type AdminStaffRow struct {
	ID       int64
	Email    string
	Role     string
	Disabled bool
	Self     bool
}

// AdminStaffView is GET/POST /admin/staff.
type AdminStaffView struct {
	AdminPage
	Staff     []AdminStaffRow
	Email     string
	Role      string
	Errors    FieldErrors
	FormError string
}

// AdminOrderRow is one line of the order list.
type AdminOrderRow struct {
	Invoice    string
	URL        string
	DateText   string
	Name       string
	Email      string
	TotalText  string
	Status     string
	PaidTotal  string
	Refunded   string
	PaymentTyp string
}

// AdminOrderFilter is the order list's filter, echoed in its form.
type AdminOrderFilter struct {
	Status string
	From   string // yyyy-mm-dd
	To     string // yyyy-mm-dd
	Q      string
}

// AdminOrdersView is GET /admin/orders.
type AdminOrdersView struct {
	AdminPage
	Filter   AdminOrderFilter
	Statuses []string
	Orders   []AdminOrderRow
	NextURL  string // the next page, "" on the last
	CSVURL   string // the export of this filter
	Errors   FieldErrors
}

// AdminEvent is one entry of an order's timeline.
type AdminEvent struct {
	AtText string
	Kind   string // "status", "action", "staff"
	Text   string
}

// AdminActionRow is one capture, void or refund of an order.
type AdminActionRow struct {
	Kind       string
	AmountText string
	Status     string
	RequestID  string
	StaffEmail string
	AtText     string
}

// AdminOrderView is GET /admin/orders/{invoice}.
type AdminOrderView struct {
	AdminPage
	Invoice       string
	Status        string
	DateText      string
	Mode          string
	PaymentType   string
	Lines         []Line
	TotalText     string
	CapturedText  string
	RefundedText  string
	RemainingText string // what may still be refunded
	CustomerName  string
	Email         string
	Phone         string
	Address       string
	Country       string
	Masked        string
	Brand         string
	ApprovalCode  string
	ECI           string
	ResponseCode  string
	ResponseText  string
	ChargeReqID   string
	ThreeDSReqID  string
	Events        []AdminEvent
	Actions       []AdminActionRow
	// What the signed-in account may do to this order now.
	CanCapture, CanVoid, CanRefund bool
	// ActionKey is a fresh key per rendered form: a form sent twice
	// performs one action.
	ActionKey   string
	Amount      string // the amount field, echoed back on an error
	Errors      FieldErrors
	FormError   string
	CaptureURL  string
	VoidURL     string
	RefundURL   string
	CheckURL    string
	ReceiptLink string
}

// AdminAttentionRow is an order that needs a person.
type AdminAttentionRow struct {
	Invoice   string
	URL       string
	Status    string
	Why       string
	TotalText string
	DateText  string
}

// AdminDashboardView is GET /admin/.
type AdminDashboardView struct {
	AdminPage
	PaidTodayText  string
	PaidTodayCount int
	Paid7DaysText  string
	Paid7DaysCount int
	Attention      []AdminAttentionRow
}

// AdminProductRow is one product on the product list.
type AdminProductRow struct {
	ID        int64
	Name      string
	PriceText string
	StockText string
	Archived  bool
	URL       string
	ImageURL  string
}

// AdminProductsView is GET /admin/products.
type AdminProductsView struct {
	AdminPage
	Products []AdminProductRow
}

// AdminProductForm is the product form's input, echoed back on an error.
type AdminProductForm struct {
	Name        string
	Description string
	Price       string
	Stock       string // "" = not counted
	Archived    bool
}

// AdminProductView is the product create and edit pages.
type AdminProductView struct {
	AdminPage
	ID        int64 // 0 when new
	Form      AdminProductForm
	ImageURL  string
	Action    string
	Errors    FieldErrors
	FormError string
}

// AdminSettingsForm is the settings form's input.
type AdminSettingsForm struct {
	StoreName    string
	ContactEmail string
	ContactPhone string
	Address      string
	ModeDirect   bool
	ModeHosted   bool
	PaymentType  string // SALE or AUTHORIZE
}

// AdminSettingsView is GET/POST /admin/settings.
type AdminSettingsView struct {
	AdminPage
	Form      AdminSettingsForm
	Errors    FieldErrors
	FormError string
}

// AdminCodeView is the login's second step: the 6-digit code of an
// account with two-step login on.
type AdminCodeView struct {
	AdminPage
	Next      string
	Errors    FieldErrors
	FormError string
}

// AdminTOTPView is GET/POST /admin/totp: the owner's two-step login.
type AdminTOTPView struct {
	AdminPage
	Enabled bool
	// Secret and URL are the setup being confirmed (shown until a code
	// confirms it, never after); empty when none is pending.
	Secret, URL string
	Errors      FieldErrors
	FormError   string
}
