package store

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"doku-checkout/store/pgtest"
)

// testDialect is the store openTest opens: TestMain runs every test of
// the package on SQLite, then all of them again on PostgreSQL.
var testDialect = "sqlite"

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	// -short without PostgreSQL installed (make check): SQLite only.
	// Otherwise PostgreSQL runs too, and a missing install fails the
	// tests (pgtest.Database) rather than passing them unseen.
	if code == 0 && (pgtest.Available() || !testing.Short()) {
		testDialect = "postgres"
		fmt.Println("store: the same tests on PostgreSQL")
		code = m.Run()
	}
	pgtest.Stop()
	os.Exit(code)
}
