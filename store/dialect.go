package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
)

// The store speaks two dialects through database/sql: SQLite (one process,
// one file) and PostgreSQL (several instances on one database). The SQL is
// written once, with ? placeholders, and rebound to PostgreSQL's $1, $2…
// here, in one place; where the syntax differs the file holding the query
// picks per dialect (s.pg).

// db is a connection pool that rebinds placeholders for its dialect.
type db struct {
	*sql.DB
	pg bool
	// wrote, when set, is called after every statement run on this pool
	// outside a transaction and after every transaction's end: the writer's
	// caches of what it wrote (Store.orderCache) forget then.
	wrote func()
}

func (d *db) bind(q string) string {
	if !d.pg {
		return q
	}
	return rebind(q)
}

func (d *db) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer d.written()
	return d.DB.ExecContext(ctx, d.bind(q), args...)
}

func (d *db) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer d.written()
	return d.DB.QueryContext(ctx, d.bind(q), args...)
}

func (d *db) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	defer d.written()
	return d.DB.QueryRowContext(ctx, d.bind(q), args...)
}

func (d *db) written() {
	if d.wrote != nil {
		d.wrote()
	}
}

func (d *db) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return d.DB.PrepareContext(ctx, d.bind(q))
}

// BeginTx starts a write transaction: BEGIN IMMEDIATE on SQLite (the
// writer's DSN), READ COMMITTED on PostgreSQL, where the store takes row
// locks (lockOrder, lockCart…) for the checks SQLite's one writer made safe.
func (d *db) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	tx, err := d.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, pg: d.pg, wrote: d.wrote}, nil
}

// Tx is a transaction that rebinds placeholders for its dialect.
type Tx struct {
	*sql.Tx
	pg    bool
	wrote func()
}

// Commit commits, then tells the pool's caches (db.wrote).
func (t *Tx) Commit() error {
	err := t.Tx.Commit()
	if t.wrote != nil {
		t.wrote()
	}
	return err
}

func (t *Tx) bind(q string) string {
	if !t.pg {
		return q
	}
	return rebind(q)
}

func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.bind(q), args...)
}

func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.bind(q), args...)
}

func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.bind(q), args...)
}

var rebound sync.Map // query → its $n form

// rebind turns ? placeholders into $1, $2… outside quoted text.
func rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	rebound.Store(q, out)
	return out
}

// execQuerier is a pool or a transaction.
type execQuerier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// insertID runs an INSERT and returns the new row's id; sql.ErrNoRows when
// it inserted nothing (ON CONFLICT DO NOTHING). PostgreSQL's driver has no
// LastInsertId: there the id comes back by RETURNING.
func (s *Store) insertID(ctx context.Context, ex execQuerier, q string, args ...any) (int64, error) {
	if s.pg {
		var id int64
		err := ex.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id)
		return id, err
	}
	res, err := ex.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, sql.ErrNoRows
	}
	return res.LastInsertId()
}

// forUpdate is the suffix that locks the rows a SELECT reads until the
// transaction ends: on PostgreSQL, where several writers run at once. On
// SQLite the IMMEDIATE transaction holds the one write lock already.
func (s *Store) forUpdate() string {
	if s.pg {
		return " FOR UPDATE"
	}
	return ""
}

// lockCart takes the cart's row lock inside tx (PostgreSQL), creating the
// row if needed, so that the cart's checks and writes (one payment per
// cart, moving it at login) run one at a time across instances.
func (s *Store) lockCart(ctx context.Context, tx *Tx, cartID string) error {
	if !s.pg || cartID == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, sqlCreateCart, cartID, s.now().Unix()); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `SELECT 1 FROM carts WHERE id = ? FOR UPDATE`, cartID)
	return err
}

// lockTable serialises a check-then-insert on a whole table (PostgreSQL):
// seeding the catalog, creating the first owner. Rare writes, so a table
// lock is simplest; plain reads still run beside it.
func (s *Store) lockTable(ctx context.Context, tx *Tx, table string) error {
	if !s.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `LOCK TABLE `+table+` IN SHARE ROW EXCLUSIVE MODE`)
	return err
}

// isUnique reports a unique constraint refusing a write, in either dialect.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string {
	if s.pg {
		return "postgres"
	}
	return "sqlite"
}

// Ping checks that the database answers (the readiness endpoint).
func (s *Store) Ping(ctx context.Context) error {
	return s.r.PingContext(ctx)
}

// txInsertID is insertID inside tx, through the statement prepared at open
// when there is one (SQLite).
func (s *Store) txInsertID(ctx context.Context, tx *Tx, q string, args ...any) (int64, error) {
	if st := s.txStmt(ctx, tx, q); st != nil {
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	return s.insertID(ctx, tx, q, args...)
}
