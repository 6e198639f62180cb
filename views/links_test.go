package views

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Links and form actions to the shop's own pages use package route's
// names, never a path written in a template.
func TestTemplatesWriteNoPaths(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	literal := regexp.MustCompile(`(href|action|src)="/[^/]`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllIndex(b, -1) {
			t.Errorf("%s: %s…: use a route name instead of a written path", f, b[m[0]:min(m[1]+20, len(b))])
		}
	}
}
