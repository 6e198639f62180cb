package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"doku-checkout/route"
)

// adminRoutes registers the back office. Everything but the login and the
// one-time setup needs a signed-in account; money, settings and accounts
// need the owner. CSRF, security headers and the error page are the
// router's, as for the shop.
func (h *Handler) adminRoutes(e *echo.Echo) {
	a := h.admin
	if a == nil {
		a = &Admin{} // route listing only (tests); never served
	}
	e.GET(route.AdminLogin, a.AdminLoginForm)
	e.POST(route.AdminLogin, a.AdminLogin)
	e.POST(route.AdminLogout, a.AdminLogout)
	e.GET(route.AdminSetup, a.AdminSetupForm)
	e.POST(route.AdminSetup, a.AdminSetup)
	e.GET(route.AdminLoginCode, a.AdminLoginCodeForm)
	e.POST(route.AdminLoginCode, a.AdminLoginCode)

	e.GET(route.AdminDashboard, a.AdminDashboard, a.requireStaff)
	e.GET(route.AdminOrders, a.AdminOrders, a.requireStaff)
	e.GET(route.AdminOrdersCSV, a.AdminOrdersCSV, a.requireStaff)
	e.GET(route.AdminOrder, a.AdminOrder, a.requireStaff)
	e.POST(route.AdminOrderCheck, a.AdminCheck, a.requireStaff)
	e.POST(route.AdminOrderCapture, a.AdminCapture, a.requireOwner)
	e.POST(route.AdminOrderVoid, a.AdminVoid, a.requireOwner)
	e.POST(route.AdminOrderRefund, a.AdminRefund, a.requireOwner)

	upload := middleware.BodyLimit("3M")
	e.GET(route.AdminProducts, a.AdminProducts, a.requireStaff)
	e.GET(route.AdminProductNew, a.AdminProductNew, a.requireStaff)
	e.POST(route.AdminProductNew, a.AdminProductCreate, a.requireStaff, upload)
	e.GET(route.AdminProduct, a.AdminProductEdit, a.requireStaff)
	e.POST(route.AdminProduct, a.AdminProductUpdate, a.requireStaff, upload)
	e.GET(route.ProductImage, a.ProductImage)

	e.GET(route.AdminSettings, a.AdminSettings, a.requireOwner)
	e.POST(route.AdminSettings, a.AdminSaveSettings, a.requireOwner)

	e.GET(route.AdminStaff, a.AdminStaff, a.requireOwner)
	e.POST(route.AdminStaff, a.AdminAddStaff, a.requireOwner)
	e.POST(route.AdminStaffMember, a.AdminUpdateStaff, a.requireOwner)

	e.GET(route.AdminTOTP, a.AdminTOTP, a.requireOwner)
	e.POST(route.AdminTOTP, a.AdminTOTPStart, a.requireOwner)
	e.GET(route.AdminTOTPQR, a.AdminTOTPQR, a.requireOwner)
	e.POST(route.AdminTOTPEnable, a.AdminTOTPEnable, a.requireOwner)
	e.POST(route.AdminTOTPDisable, a.AdminTOTPDisable, a.requireOwner)
}
