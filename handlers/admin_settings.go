package handlers

import (
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
	"doku-checkout/views"
)

// Settings keys of the store's details (the shop reads them too).
const (
	SettingContactEmail = "contact_email"
	SettingContactPhone = "contact_phone"
	SettingAddress      = "store_address"
	SettingModes        = "payment_modes" // "direct", "hosted" or "direct,hosted"
	SettingPaymentType  = "payment_type"  // SALE or AUTHORIZE
)

func (a *Admin) settingsForm(c echo.Context) views.AdminSettingsForm {
	get := func(k, def string) string {
		if v, err := a.store.Setting(c.Request().Context(), k); err == nil {
			return v
		}
		return def
	}
	modes := get(SettingModes, "direct,hosted")
	return views.AdminSettingsForm{
		StoreName: get(SettingStoreName, "Toko Kita"), ContactEmail: get(SettingContactEmail, ""), ContactPhone: get(SettingContactPhone, ""),
		Address: get(SettingAddress, ""), ModeDirect: strings.Contains(modes, "direct"), ModeHosted: strings.Contains(modes, "hosted"),
		PaymentType: get(SettingPaymentType, "SALE"),
	}
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
	var modes []string
	if f.ModeDirect {
		modes = append(modes, "direct")
	}
	if f.ModeHosted {
		modes = append(modes, "hosted")
	}
	for k, v := range map[string]string{SettingStoreName: f.StoreName, SettingContactEmail: f.ContactEmail, SettingContactPhone: f.ContactPhone,
		SettingAddress: f.Address, SettingModes: strings.Join(modes, ","), SettingPaymentType: f.PaymentType} {
		if err := a.store.SetSetting(c.Request().Context(), k, v); err != nil {
			return err
		}
	}
	if err := a.audit(c, "settings.update", "settings", before, f); err != nil {
		return err
	}
	return a.redirectFlash(c, route.AdminSettings, "saved")
}
