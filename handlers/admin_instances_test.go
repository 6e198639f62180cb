package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"doku-checkout/app/apptest"
	"doku-checkout/staff"
	"doku-checkout/store"
)

// Two instances on one PostgreSQL database: failed back-office logins
// spread over both count against one limit per account and one per
// address, not one per instance.
func TestAdminLoginLimitsSharedAcrossInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("PostgreSQL instances: make test runs them, make check (-short) leaves them out")
	}
	in := apptest.StartInstances(t, 2)
	ctx := context.Background()
	for _, acct := range []struct{ email, role string }{{"owner@example.com", store.RoleOwner}, {"clerk@example.com", store.RoleStaff}} {
		if _, err := staff.Create(ctx, in.Apps[0].Store, acct.email, apptest.Password, acct.role); err != nil {
			t.Fatal(err)
		}
	}
	b := apptest.NewShopper(t, in.Front)
	b.Get("/admin/login")
	// post sends one login and reports its status and which instance served it.
	post := func(email, password string) (int, int) {
		t.Helper()
		before := in.Hits()
		resp, _ := b.PostNoFollow("/admin/login", url.Values{"email": {email}, "password": {password}})
		after := in.Hits()
		for i := range after {
			if after[i] != before[i] {
				return resp.StatusCode, i
			}
		}
		t.Fatal("the login reached no instance")
		return 0, 0
	}

	// Per account: 5 wrong passwords, split between the instances.
	served := map[int]int{}
	for i := range 5 {
		code, inst := post("owner@example.com", "wrong password!")
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password %d: %d, want 422", i+1, code)
		}
		served[inst]++
	}
	if served[0] == 0 || served[1] == 0 {
		t.Fatalf("failures served per instance %v, want both instances", served)
	}
	// The right password, now refused on either instance.
	refusedOn := map[int]bool{}
	for range 2 {
		code, inst := post("owner@example.com", apptest.Password)
		if code != http.StatusTooManyRequests {
			t.Errorf("right password on instance %d after 5 failures across both: %d, want 429", inst, code)
		}
		refusedOn[inst] = true
	}
	if len(refusedOn) != 2 {
		t.Errorf("right password tried on instances %v, want both", refusedOn)
	}

	// Per address: 20 failures in all (5 above and 15 more on other
	// accounts, across both instances) block the address for any account.
	for i := range 15 {
		if code, _ := post("nobody"+strconv.Itoa(i)+"@example.com", "wrong password!"); code != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d on another account: %d, want 422", 6+i, code)
		}
	}
	for range 2 {
		if code, inst := post("clerk@example.com", apptest.Password); code != http.StatusTooManyRequests {
			t.Errorf("another account from the blocked address on instance %d: %d, want 429", inst, code)
		}
	}
}
