package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
	"doku-checkout/staff"
	"doku-checkout/store"
	"doku-checkout/views"
)

// AdminStaff renders GET /admin/staff (owner).
func (a *Admin) AdminStaff(c echo.Context) error {
	v := views.AdminStaffView{AdminPage: a.page(c, "Staff")}
	if err := a.fillStaff(c, &v); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminStaffPage(v))
}

func (a *Admin) fillStaff(c echo.Context, v *views.AdminStaffView) error {
	list, err := a.store.StaffList(c.Request().Context())
	if err != nil {
		return err
	}
	me, _ := a.current(c)
	for _, s := range list {
		v.Staff = append(v.Staff, views.AdminStaffRow{ID: s.ID, Email: s.Email, Role: s.Role, Disabled: s.Disabled, Self: s.ID == me.ID})
	}
	return nil
}

// AdminAddStaff handles POST /admin/staff (email, password, role).
func (a *Admin) AdminAddStaff(c echo.Context) error {
	v := views.AdminStaffView{AdminPage: a.page(c, "Staff"), Email: strings.TrimSpace(c.FormValue("email")), Role: c.FormValue("role"), Errors: views.FieldErrors{}}
	st, err := staff.Create(c.Request().Context(), a.store, v.Email, c.FormValue("password"), v.Role)
	switch {
	case errors.Is(err, staff.ErrBadEmail), errors.Is(err, staff.ErrEmailTaken):
		v.Errors["email"] = capitalise(err.Error()) + "."
	case errors.Is(err, staff.ErrBadPassword):
		v.Errors["password"] = capitalise(err.Error()) + "."
	case errors.Is(err, staff.ErrBadRole):
		v.Errors["role"] = capitalise(err.Error()) + "."
	case err != nil:
		return err
	}
	if len(v.Errors) > 0 {
		if err := a.fillStaff(c, &v); err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, views.AdminStaffPage(v))
	}
	if err := a.audit(c, "staff.create", "staff:"+st.Email, nil, map[string]string{"email": st.Email, "role": st.Role}); err != nil {
		return err
	}
	return a.redirectFlash(c, route.AdminStaff, "staff")
}

// AdminUpdateStaff handles POST /admin/staff/{id} (disabled=1|0). An owner
// cannot disable their own account (the shop would lose its last owner).
func (a *Admin) AdminUpdateStaff(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	ctx := c.Request().Context()
	target, err := a.store.StaffByID(ctx, id)
	if err != nil {
		return err
	}
	me, _ := a.current(c)
	if target.ID == me.ID {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "You cannot disable your own account.")
	}
	disabled := c.FormValue("disabled") == "1"
	if err := a.store.SetStaffDisabled(ctx, id, disabled); err != nil {
		return err
	}
	if err := a.audit(c, "staff.update", "staff:"+target.Email, map[string]bool{"disabled": target.Disabled}, map[string]bool{"disabled": disabled}); err != nil {
		return err
	}
	return a.redirectFlash(c, route.AdminStaff, "saved")
}
