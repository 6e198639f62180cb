// Package store is the persistence of doku-checkout: SQLite by default,
// PostgreSQL for several instances (dialect.go). One Store, a file per
// entity, plain SQL beside its Scan, migrations embedded and run at open.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row does not exist (or is not the caller's).
var ErrNotFound = errors.New("store: not found")

// ErrDuplicate is returned when a unique value (email, checkout key) is taken.
var ErrDuplicate = errors.New("store: duplicate")

// Store is the app's database. On SQLite, writes go through one connection
// so SQLite never sees two writers fight for the lock; reads use a pool (WAL
// lets them run beside the writer). On PostgreSQL both are one pool.
type Store struct {
	w     *db
	r     *db
	pg    bool
	now   func() time.Time
	stmts stmtCache
	// catalog spares every page a products query (catalog_cache.go).
	catalog catalogCache
	// orderCache and cartCache spare pages their queries between writes
	// (order_cache.go). Off on PostgreSQL.
	orderCache keptReads[Order]
	cartCache  keptReads[[]CartLine]
}

// IsPostgres reports whether dsn names a PostgreSQL database
// (postgres://… or postgresql://…) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database dsn names and migrates it: a PostgreSQL URL, or
// the path of a SQLite file (created if needed).
//
// Tuning, chosen for a checkout: WAL so readers never wait on the writer;
// synchronous=FULL so a paid order survives a power cut, not only a crash
// (the cost is one fsync per commit, which this workload affords);
// busy_timeout so a rare lock wait is a pause, not an error; foreign keys on.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path)
	}
	dsn := func(txlock string) string {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(5000)", "foreign_keys(1)"} {
			q.Add("_pragma", p)
		}
		if txlock != "" {
			q.Set("_txlock", txlock)
		} else {
			// Readers never write: the writer's hook (db.wrote) sees every write.
			q.Add("_pragma", "query_only(1)")
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open reader: %w", err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s := &Store{w: &db{DB: w}, r: &db{DB: r}, now: time.Now}
	// This process is the file's one writer (several instances share a
	// PostgreSQL database instead), so its own writes are all the writes.
	s.keep()
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepareTx(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	return s, nil
}

// openPostgres connects to the PostgreSQL database at url (pgx, through
// database/sql) and migrates it under an advisory lock.
func openPostgres(ctx context.Context, url string) (*Store, error) {
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	// One pool for reads and writes: PostgreSQL runs writers side by side,
	// and the store's row locks order them where it matters.
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(20)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pool := &db{DB: p, pg: true}
	s := &Store{w: pool, r: pool, pg: true, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	s.stmts.close()
	if s.r == s.w {
		return s.w.Close()
	}
	return errors.Join(s.r.Close(), s.w.Close())
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Checkpoint folds the WAL back into the main file (used before scanning the
// file in tests and at shutdown).
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.pg {
		return nil // PostgreSQL has no WAL file beside the data to fold back
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	dir := "migrations"
	if s.pg {
		dir = "migrations/postgres"
	}
	names, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	// One connection for the whole run. On PostgreSQL it holds an advisory
	// lock meanwhile, so instances starting together migrate one after
	// the other: the second finds every migration recorded.
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	defer conn.Close()
	if s.pg {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	for _, name := range names {
		if err := s.applyMigration(ctx, conn, name); err != nil {
			return err
		}
	}
	return nil
}

// migrationLock is the advisory lock key the PostgreSQL migrations run
// under (any constant: "doku" in ASCII).
const migrationLock = 0x646f6b75

// applyMigration runs one migration file in a transaction on conn and
// records it under its SQLite name (migrations/NNN_….sql) in both
// dialects, so a migration is one name whichever store ran it.
func (s *Store) applyMigration(ctx context.Context, conn *sql.Conn, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", name, err)
	}
	recorded := path.Join("migrations", path.Base(name))
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin %s: %w", name, err)
	}
	tx := &Tx{Tx: sqlTx, pg: s.pg}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, recorded).Scan(&n); err != nil {
		return fmt.Errorf("store: check %s: %w", name, err)
	}
	if n > 0 {
		return nil
	}
	for _, stmt := range strings.Split(string(body), ";\n") {
		if strings.TrimSpace(stripComments(stmt)) == "" {
			continue
		}
		if _, err := tx.Tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("store: apply %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, recorded, s.now().Unix()); err != nil {
		return fmt.Errorf("store: record %s: %w", name, err)
	}
	return tx.Commit()
}

func stripComments(stmt string) string {
	var b strings.Builder
	for _, line := range strings.Split(stmt, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
		}
	}
	return b.String()
}
