package apptest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"doku-checkout/store/pgtest"
)

// postgresDatabase is a fresh database for tb's app on the binary's
// cluster. When tb ends (after its apps have stopped: this cleanup is
// registered before theirs) its tables are copied into the SQLite file
// snapshot, for the card data scan, and the database is dropped.
func postgresDatabase(tb testing.TB, snapshot string, scanned bool) string {
	tb.Helper()
	url := pgtest.Database(tb)
	tb.Cleanup(func() {
		if artifacts == "" || fuzzing.Load() || !scanned {
			return
		}
		if err := copyToSQLite(url, snapshot); err != nil {
			tb.Errorf("copy the PostgreSQL database for the card data scan: %v", err)
		}
	})
	return url
}

// copyToSQLite copies every table of the PostgreSQL database at url, cell
// by cell with its type (text stays text, numbers numbers), into a new
// SQLite file at path.
func copyToSQLite(url, path string) error {
	ctx := context.Background()
	src, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer dst.Close()
	tables, err := column(src, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		return err
	}
	for _, table := range tables {
		cols, err := column(src, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			return err
		}
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = fmt.Sprintf("%q", c)
		}
		if _, err := dst.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE %q (%s)`, table, strings.Join(quoted, ", "))); err != nil {
			return err
		}
		rows, err := src.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %q`, strings.Join(quoted, ", "), table))
		if err != nil {
			return err
		}
		insert := fmt.Sprintf(`INSERT INTO %q VALUES (%s)`, table, strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", "))
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
				rows.Close()
				return fmt.Errorf("%s: %w", table, err)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// OpenDB opens the app's database beside it for a test to read: the
// SQLite file read-only, or its PostgreSQL database.
func (a *App) OpenDB() (*sql.DB, error) {
	if a.App != nil && a.Config.DatabaseURL != "" {
		return sql.Open("pgx", a.Config.DatabaseURL)
	}
	return OpenRO(a.DB)
}

// postgres reports whether the app runs on PostgreSQL.
func (a *App) postgres() bool { return a.App != nil && a.Config.DatabaseURL != "" }
