package app_test

import (
	"context"
	"testing"

	"doku-checkout/app"
	"doku-checkout/app/apptest"
)

// DEMO_CATALOG: yes by default on the embedded sandbox only; yes or no
// said outright wins; anything else is refused.
func TestDemoCatalogSetting(t *testing.T) {
	real := map[string]string{"DOKU_BASE_URL": "https://api-sandbox.doku.com", "DOKU_CLIENT_ID": "MCH-1", "DOKU_SECRET_KEY": "SK-1"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		demo string
		want bool
	}{
		{"embedded sandbox", nil, "", true},
		{"real DOKU", real, "", false},
		{"real DOKU, asked for", real, "yes", true},
		{"embedded sandbox, refused", nil, "no", false},
	} {
		env := map[string]string{"DEMO_CATALOG": tc.demo}
		for k, v := range tc.env {
			env[k] = v
		}
		c, err := app.LoadConfig(func(k string) string { return env[k] })
		if err != nil || c.DemoCatalog != tc.want {
			t.Errorf("%s: DemoCatalog = %v (%v), want %v", tc.name, c.DemoCatalog, err, tc.want)
		}
	}
	if _, err := app.LoadConfig(func(k string) string { return map[string]string{"DEMO_CATALOG": "maybe"}[k] }); err == nil {
		t.Error("DEMO_CATALOG=maybe accepted")
	}
}

// A new database on the embedded sandbox has the demo products; one
// pointed at a DOKU URL starts empty, unless DEMO_CATALOG=yes (the tests'
// recording proxy of the sandbox).
func TestDemoCatalogOnlyOnTheSandbox(t *testing.T) {
	count := func(a *apptest.App) int {
		t.Helper()
		ps, err := a.Store.Products(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	if n := count(apptest.Start(t, apptest.Env(map[string]string{"DEMO_CATALOG": ""}))); n != 6 {
		t.Errorf("embedded sandbox: %d products, want the 6 demo products", n)
	}
	real := apptest.Start(t, apptest.Recorded(), apptest.Env(map[string]string{"DEMO_CATALOG": ""}))
	if n := count(real); n != 0 {
		t.Errorf("DOKU_BASE_URL set: %d products, want none", n)
	}
	if s := apptest.NewShopper(t, real).Get("/"); s.Resp.StatusCode != 200 {
		t.Errorf("empty shop's catalog page: %d, want 200", s.Resp.StatusCode)
	}
	if n := count(apptest.Start(t, apptest.Recorded())); n != 6 {
		t.Errorf("DOKU_BASE_URL set with DEMO_CATALOG=yes: %d products, want 6", n)
	}
}
