package sandbox

import (
	"go/build"
	"strings"
	"testing"
)

// The sandbox is written from the contract, not from our client: of the
// client side it may use the signature primitive alone, so a bug in the
// client cannot hide behind the same bug here. This holds for everything
// the sandbox's code imports, directly or not.
func TestSandboxImportsOnlyTheSignatureFromTheClient(t *testing.T) {
	const module = "doku-checkout/"
	allowed := map[string]bool{module + "doku/signature": true}
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		pkg, err := build.Default.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, module) || seen[imp] {
				continue
			}
			seen[imp] = true
			if !allowed[imp] {
				t.Errorf("%s imports %s: the sandbox may use only %v of the project", pkg.ImportPath, imp, keys(allowed))
			}
			walk(imp, pkg.Dir)
		}
	}
	walk(".", ".")
	if !seen[module+"doku/signature"] {
		t.Errorf("the sandbox no longer imports the signature package: is this test still looking at the right code?")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
