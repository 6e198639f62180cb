package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/views"
)

// attentionStatuses are the statuses a person should look at: a payment
// whose outcome DOKU has not told yet, and authorisations not captured.
var attentionStatuses = []payment.Status{payment.StatusCharging, payment.StatusPending, payment.StatusAuthorized}

// AdminDashboard renders GET /admin/: today's and the last 7 days' takings
// (WIB days) and the orders that need attention.
func (a *Admin) AdminDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.AdminDashboardView{AdminPage: a.page(c, "Dashboard")}
	now := time.Now().In(wibZone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, wibZone)
	t1, err := a.store.TakingsSince(ctx, today)
	if err != nil {
		return err
	}
	t7, err := a.store.TakingsSince(ctx, today.AddDate(0, 0, -6))
	if err != nil {
		return err
	}
	v.PaidTodayText, v.PaidTodayCount = views.IDR(t1.TotalIDR), t1.Count
	v.Paid7DaysText, v.Paid7DaysCount = views.IDR(t7.TotalIDR), t7.Count
	list, err := a.store.OrdersNeedingAttention(ctx, attentionStatuses, 50)
	if err != nil {
		return err
	}
	for _, o := range list {
		why := "a money action is waiting for DOKU's answer"
		switch o.Status {
		case payment.StatusAuthorized:
			why = "authorised, not captured"
		case payment.StatusPending, payment.StatusCharging:
			why = "payment outcome not known yet"
		}
		v.Attention = append(v.Attention, views.AdminAttentionRow{Invoice: o.Invoice, URL: route.AdminOrderPath(o.Invoice, ""),
			Status: string(o.Status), Why: why, TotalText: views.IDR(o.AmountIDR), DateText: views.DateWIB(o.CreatedAt)})
	}
	return render(c, http.StatusOK, views.AdminDashboardPage(v))
}
