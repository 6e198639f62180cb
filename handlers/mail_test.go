package handlers

import (
	"slices"
	"testing"

	"github.com/labstack/echo/v4"

	"doku-checkout/route"
)

// The outbox pages are mounted with the embedded sandbox only, and then
// under the paths package route names for them.
func TestSandboxMailRoutesOnlyWithTheSandbox(t *testing.T) {
	paths := func(cfg Config) []string {
		e := echo.New()
		New(nil, nil, nil, nil, cfg, nil).Routes(e)
		var out []string
		for _, r := range e.Routes() {
			out = append(out, r.Path)
		}
		return out
	}
	with := paths(Config{SandboxMail: true})
	for _, p := range route.SandboxPatterns() {
		if !slices.Contains(with, p) {
			t.Errorf("with the sandbox, %s is not mounted", p)
		}
	}
	for _, p := range with {
		if !slices.Contains(route.Patterns(), p) && !slices.Contains(route.SandboxPatterns(), p) {
			t.Errorf("%s is mounted but not named in package route", p)
		}
	}
	for _, p := range paths(Config{}) {
		if slices.Contains(route.SandboxPatterns(), p) {
			t.Errorf("without the sandbox, %s is mounted", p)
		}
	}
}
