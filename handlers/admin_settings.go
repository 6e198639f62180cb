package handlers

import (
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"doku-checkout/merchant"
	"doku-checkout/payment"
	"doku-checkout/route"
	"doku-checkout/views"
)

func settingsForm(sh merchant.Shop) views.AdminSettingsForm {
	return views.AdminSettingsForm{
		StoreName: sh.Name, ContactEmail: sh.Email, ContactPhone: sh.Phone, Address: sh.Address,
		ModeDirect: slices.Contains(sh.Modes, payment.ModeDirect), ModeHosted: slices.Contains(sh.Modes, payment.ModeHosted),
		PaymentType: sh.PaymentType,
	}
}

func (a *Admin) settingsForm(echo.Context) views.AdminSettingsForm {
	return settingsForm(a.cfg.Shop.Shop())
}

// AdminSettings renders GET /admin/settings (owner).
func (a *Admin) AdminSettings(c echo.Context) error {
	return render(c, http.StatusOK, views.AdminSettingsPage(views.AdminSettingsView{AdminPage: a.page(c, "Settings"), Form: a.settingsForm(c)}))
}

// AdminSaveSettings handles POST /admin/settings: checked, written, audited.
func (a *Admin) AdminSaveSettings(c echo.Context) error {
	f := views.AdminSettingsForm{
		StoreName: strings.TrimSpace(c.FormValue("store_name")), ContactEmail: strings.TrimSpace(c.FormValue("contact_email")),
		ContactPhone: strings.TrimSpace(c.FormValue("contact_phone")), Address: strings.TrimSpace(c.FormValue("address")),
		ModeDirect: c.FormValue("mode_direct") != "", ModeHosted: c.FormValue("mode_hosted") != "", PaymentType: c.FormValue("payment_type"),
	}
	errs := views.FieldErrors{}
	if f.StoreName == "" || utf8.RuneCountInString(f.StoreName) > 80 {
		errs["store_name"] = "Enter the store's name (at most 80 characters)."
	}
	if f.ContactEmail != "" {
		if m, err := mail.ParseAddress(f.ContactEmail); err != nil || m.Address != f.ContactEmail {
			errs["contact_email"] = "Enter an email address like shop@example.com."
		}
	}
	if utf8.RuneCountInString(f.ContactPhone) > 32 {
		errs["contact_phone"] = "Enter at most 32 characters."
	}
	if utf8.RuneCountInString(f.Address) > 400 {
		errs["address"] = "Enter at most 400 characters."
	}
	if !f.ModeDirect && !f.ModeHosted {
		errs["modes"] = "Enable at least one payment mode."
	}
	if f.PaymentType != "SALE" && f.PaymentType != "AUTHORIZE" {
		errs["payment_type"] = "Pick SALE or AUTHORIZE."
	}
	if len(errs) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.AdminSettingsPage(views.AdminSettingsView{AdminPage: a.page(c, "Settings"), Form: f, Errors: errs,
			FormError: "Please correct the fields marked below."}))
	}
	before := a.settingsForm(c)
	sh := merchant.Shop{Contact: merchant.Contact{Name: f.StoreName, Email: f.ContactEmail, Phone: f.ContactPhone, Address: f.Address},
		PaymentType: f.PaymentType}
	if f.ModeDirect {
		sh.Modes = append(sh.Modes, payment.ModeDirect)
	}
	if f.ModeHosted {
		sh.Modes = append(sh.Modes, payment.ModeHosted)
	}
	if err := a.cfg.Shop.Save(c.Request().Context(), sh); err != nil {
		return err
	}
	// The record shows what was saved, as the form would show it.
	f = settingsForm(sh)
	if err := a.audit(c, "settings.update", "settings", before, f); err != nil {
		return err
	}
	return a.redirectFlash(c, route.AdminSettings, "saved")
}
