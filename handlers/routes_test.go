package handlers

import (
	"slices"
	"sort"
	"testing"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
)

// The router registers the paths package route names, and only those: a
// path is written once, there, and the views and the payment flow's
// callback URLs use the same names.
func TestRoutesAreThePathsOfPackageRoute(t *testing.T) {
	e := echo.New()
	New(nil, nil, nil, nil, Config{}, nil).Routes(e)
	var unknown []string
	registered := map[string]bool{}
	for _, r := range e.Routes() {
		registered[r.Path] = true
		if !slices.Contains(route.Patterns(), r.Path) {
			unknown = append(unknown, r.Method+" "+r.Path)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("routes registered with a path not named in package route: %v", unknown)
	}
	for _, p := range route.Patterns() {
		if !registered[p] {
			t.Errorf("route.%q is named but not registered", p)
		}
	}
}
