package store

import (
	"io/fs"
	"path"
	"testing"
)

// Every SQLite migration has its PostgreSQL twin under the same name, so
// both stores have every table (a migration added for one only fails here).
func TestEveryMigrationHasAPostgresTwin(t *testing.T) {
	lite, _ := fs.Glob(migrations, "migrations/*.sql")
	pg, _ := fs.Glob(migrations, "migrations/postgres/*.sql")
	twins := map[string]bool{}
	for _, p := range pg {
		twins[path.Base(p)] = true
	}
	if len(lite) == 0 {
		t.Fatal("no migrations embedded")
	}
	for _, m := range lite {
		if !twins[path.Base(m)] {
			t.Errorf("%s has no PostgreSQL twin migrations/postgres/%s", m, path.Base(m))
		}
	}
}
