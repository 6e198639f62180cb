package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"doku-checkout/views"
)

// AdminDashboard renders GET /admin/.
func (a *Admin) AdminDashboard(c echo.Context) error {
	v := views.AdminDashboardView{AdminPage: a.page(c, "Dashboard")}
	return render(c, http.StatusOK, views.AdminDashboardPage(v))
}
