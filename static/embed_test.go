package static

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestVersion(t *testing.T) {
	if !regexp.MustCompile(`^[0-9a-f]{8}$`).MatchString(Version) {
		t.Errorf("Version: got %q, want 8 lowercase hex characters", Version)
	}
	if got := version(FS); got != Version {
		t.Errorf("version(FS): got %q, want the stable %q", got, Version)
	}
	a := fstest.MapFS{"app.css": {Data: []byte("a{}")}}
	b := fstest.MapFS{"app.css": {Data: []byte("b{}")}}
	if version(a) == version(b) {
		t.Errorf("version: got the same %q for different content, want different", version(a))
	}
}

func TestFS(t *testing.T) {
	for _, name := range []string{"app.css", "favicon.svg", "img/batik-shirt.svg", "img/kopi-gayo.svg",
		"img/sambal.svg", "img/rattan-bag.svg", "img/tea.svg", "img/wayang.svg"} {
		if _, err := fs.Stat(FS, name); err != nil {
			t.Errorf("FS missing %s: %v", name, err)
		}
	}
}

// Every file of static/ (but Go sources) is embedded: a page that links
// one that is not gets a 404 (receipt.js was once left out, and the
// pending receipt never followed its payment).
func TestEveryAssetIsEmbedded(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		if _, err := fs.Stat(FS, e.Name()); err != nil {
			t.Errorf("%s is not embedded: %v", e.Name(), err)
		}
	}
}
