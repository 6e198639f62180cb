package handlers

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/store"
	"doku-checkout/views"
)

// adminPageSize is how many orders a page of the list shows.
const adminPageSize = 50

// wibZone is the merchant's day for the date filters.
var wibZone = time.FixedZone("WIB", 7*3600)

// orderFilter reads the list's filter from the query; errs gets a message
// per bad field.
func orderFilter(c echo.Context, errs views.FieldErrors) (store.OrderFilter, views.AdminOrderFilter) {
	v := views.AdminOrderFilter{Status: c.QueryParam("status"), From: c.QueryParam("from"), To: c.QueryParam("to"), Q: strings.TrimSpace(c.QueryParam("q"))}
	f := store.OrderFilter{Q: v.Q}
	if v.Status != "" {
		if !slices.Contains(payment.Statuses, payment.Status(v.Status)) {
			errs["status"] = "Pick a status from the list."
		}
		f.Status = payment.Status(v.Status)
	}
	if v.From != "" {
		t, err := time.ParseInLocation("2006-01-02", v.From, wibZone)
		if err != nil {
			errs["from"] = "Enter a date like 2026-12-31."
		}
		f.From = t
	}
	if v.To != "" {
		t, err := time.ParseInLocation("2006-01-02", v.To, wibZone)
		if err != nil {
			errs["to"] = "Enter a date like 2026-12-31."
		}
		f.To = t.AddDate(0, 0, 1) // the whole last day
	}
	if len(v.Q) > 128 {
		errs["q"] = "Search for at most 128 characters."
	}
	if b, err := strconv.ParseInt(c.QueryParam("before"), 10, 64); err == nil && b > 0 {
		f.BeforeID = b
	}
	return f, v
}

func filterQuery(v views.AdminOrderFilter) url.Values {
	q := url.Values{}
	for k, val := range map[string]string{"status": v.Status, "from": v.From, "to": v.To, "q": v.Q} {
		if val != "" {
			q.Set(k, val)
		}
	}
	return q
}

// AdminOrders renders GET /admin/orders: filtered, newest first, by pages.
func (a *Admin) AdminOrders(c echo.Context) error {
	errs := views.FieldErrors{}
	f, fv := orderFilter(c, errs)
	v := views.AdminOrdersView{AdminPage: a.page(c, "Orders"), Filter: fv, Errors: errs}
	for _, s := range payment.Statuses {
		v.Statuses = append(v.Statuses, string(s))
	}
	q := filterQuery(fv)
	v.CSVURL = route.AdminOrdersCSV + "?" + q.Encode()
	if len(errs) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.AdminOrdersPage(v))
	}
	f.Limit = adminPageSize + 1
	list, err := a.store.AdminOrders(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if len(list) > adminPageSize {
		list = list[:adminPageSize]
		q.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		v.NextURL = route.AdminOrders + "?" + q.Encode()
	}
	for _, o := range list {
		v.Orders = append(v.Orders, views.AdminOrderRow{
			Invoice: o.Invoice, URL: route.AdminOrderPath(o.Invoice, ""), DateText: views.DateWIB(o.CreatedAt),
			Name: o.Name, Email: o.Email, TotalText: views.IDR(o.AmountIDR), Status: string(o.Status),
			Refunded: refundedText(o), PaymentTyp: paymentType(o),
		})
	}
	return render(c, http.StatusOK, views.AdminOrdersPage(v))
}

func refundedText(o store.Order) string {
	if o.RefundedIDR == 0 {
		return ""
	}
	return views.IDR(o.RefundedIDR)
}

func paymentType(o store.Order) string {
	if o.AuthorizeID != "" {
		return "AUTHORIZE"
	}
	return "SALE"
}

// csvHeader is the export's first row.
var csvHeader = []string{"invoice", "created_at", "status", "name", "email", "phone", "amount_idr", "captured_idr", "refunded_idr",
	"payment_type", "mode", "card_brand", "card_masked", "approval_code", "response_code"}

// AdminOrdersCSV serves GET /admin/orders.csv: the filtered list, every
// page, for accounting.
func (a *Admin) AdminOrdersCSV(c echo.Context) error {
	errs := views.FieldErrors{}
	f, _ := orderFilter(c, errs)
	if len(errs) > 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "The filter is not valid; fix it on the order list first.")
	}
	f.BeforeID = 0
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="orders-`+time.Now().In(wibZone).Format("20060102-1504")+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	if err := w.Write(csvHeader); err != nil {
		return err
	}
	err := a.store.EachAdminOrder(c.Request().Context(), f, func(o store.Order) error {
		return w.Write(csvRow(o))
	})
	w.Flush()
	if err != nil {
		// Headers are sent: the error can only be logged (the file ends short).
		a.log.Error("admin: csv export", "err", err)
	}
	return w.Error()
}

// csvRow is one order in the export. Text a person typed is defused
// against spreadsheet formulas.
func csvRow(o store.Order) []string {
	return []string{
		o.Invoice, o.CreatedAt.In(wibZone).Format(time.RFC3339), string(o.Status), csvText(o.Name), csvText(o.Email), csvText(o.Phone),
		strconv.FormatInt(o.AmountIDR, 10), strconv.FormatInt(o.CapturedIDR, 10), strconv.FormatInt(o.RefundedIDR, 10),
		paymentType(o), o.Mode, o.CardBrand, o.CardMasked, o.ApprovalCode, o.ResponseCode,
	}
}

func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// AdminOrder renders GET /admin/orders/{invoice}.
func (a *Admin) AdminOrder(c echo.Context) error {
	v, err := a.orderView(c, c.Param("invoice"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminOrderPage(v))
}

// orderView builds the order page: facts, lines, money, timeline, and the
// actions the signed-in account may take.
func (a *Admin) orderView(c echo.Context, invoice string) (views.AdminOrderView, error) {
	ctx := c.Request().Context()
	o, err := a.store.OrderByInvoice(ctx, invoice)
	if err != nil {
		return views.AdminOrderView{}, err
	}
	events, err := a.store.OrderEvents(ctx, o.ID)
	if err != nil {
		return views.AdminOrderView{}, err
	}
	actions, err := a.store.OrderActions(ctx, o.ID)
	if err != nil {
		return views.AdminOrderView{}, err
	}
	audit, err := a.store.AuditLog(ctx, "order:"+o.Invoice, 200)
	if err != nil {
		return views.AdminOrderView{}, err
	}
	me, _ := a.current(c)
	owner := me.Role == store.RoleOwner
	v := views.AdminOrderView{
		AdminPage: a.page(c, "Order "+o.Invoice), Invoice: o.Invoice, Status: string(o.Status), DateText: views.DateWIB(o.CreatedAt),
		Mode: o.Mode, PaymentType: paymentType(o), TotalText: views.IDR(o.AmountIDR),
		CapturedText: views.IDR(o.CapturedIDR), RefundedText: views.IDR(o.RefundedIDR), RemainingText: views.IDR(o.CapturedIDR - o.RefundedIDR),
		CustomerName: o.Name, Email: o.Email, Phone: o.Phone, Address: o.Address, Country: o.Country,
		Masked: o.CardMasked, Brand: o.CardBrand, ApprovalCode: o.ApprovalCode, ECI: o.ECI, ResponseCode: o.ResponseCode, ResponseText: o.ResponseMessage,
		ChargeReqID: o.ChargeRequestID, ThreeDSReqID: o.ThreeDSRequestID,
		ActionKey:  randomID(),
		CaptureURL: route.AdminOrderPath(o.Invoice, "capture"), VoidURL: route.AdminOrderPath(o.Invoice, "void"),
		RefundURL: route.AdminOrderPath(o.Invoice, "refund"), CheckURL: route.AdminOrderPath(o.Invoice, "check"),
		Errors: views.FieldErrors{},
	}
	pending := false
	for _, ac := range actions {
		pending = pending || ac.Status == store.ActionPending
		v.Actions = append(v.Actions, views.AdminActionRow{Kind: ac.Kind, AmountText: views.IDR(ac.AmountIDR), Status: ac.Status,
			RequestID: ac.RequestID, StaffEmail: ac.StaffEmail, AtText: views.DateWIB(ac.CreatedAt)})
	}
	v.CanCapture = owner && o.Status == payment.StatusAuthorized && o.AuthorizeID != "" && !pending
	v.CanVoid = v.CanCapture
	v.CanRefund = owner && (o.Status == payment.StatusSuccess || o.Status == payment.StatusPartiallyRefunded) && o.ChargeRequestID != "" && o.CapturedIDR > o.RefundedIDR
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, views.Line{ProductID: l.ProductID, Name: l.Name, Quantity: l.Quantity,
			UnitText: views.IDR(l.PriceIDR), LineTotalText: views.IDR(l.PriceIDR * int64(l.Quantity))})
	}
	v.Events = timeline(o, events, actions, audit)
	return v, nil
}

// timeline merges an order's state changes, money actions and staff
// actions, oldest first. Texts are ours; DOKU's free text is never kept.
func timeline(o store.Order, events []store.Event, actions []store.PaymentAction, audit []store.AuditEntry) []views.AdminEvent {
	type item struct {
		at time.Time
		ev views.AdminEvent
	}
	var items []item
	for _, e := range events {
		text := string(e.To) + ": " + e.Reason
		if e.From != "" {
			text = string(e.From) + " → " + text
		}
		if e.To == payment.StatusCharging && o.ChargeRequestID != "" {
			text += " (charge Request-Id " + o.ChargeRequestID + ")"
		}
		items = append(items, item{e.At, views.AdminEvent{Kind: "status", Text: text}})
	}
	for _, ac := range actions {
		text := ac.Kind + " of " + views.IDR(ac.AmountIDR) + " sent to DOKU, Request-Id " + ac.RequestID + ", by " + ac.StaffEmail + ": " + ac.Status
		if ac.Reason != "" {
			text += " (" + ac.Reason + ")"
		}
		items = append(items, item{ac.CreatedAt, views.AdminEvent{Kind: "action", Text: text}})
	}
	for _, e := range audit {
		items = append(items, item{e.At, views.AdminEvent{Kind: "staff", Text: e.StaffEmail + ": " + e.Action}})
	}
	slices.SortStableFunc(items, func(x, y item) int { return x.at.Compare(y.at) })
	out := make([]views.AdminEvent, len(items))
	for i, it := range items {
		it.ev.AtText = views.DateWIB(it.at)
		out[i] = it.ev
	}
	return out
}
