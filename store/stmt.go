package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps each query prepared once per pool. Without it the driver
// parses the SQL on every call, which the bench measured at 10–27% of the
// server's CPU on page loads.
type stmtCache struct {
	m sync.Map // stmtKey → *sql.Stmt
}

type stmtKey struct {
	db    *sql.DB
	query string
}

func (c *stmtCache) get(ctx context.Context, db *db, query string) (*sql.Stmt, error) {
	key := stmtKey{db.DB, query}
	if v, ok := c.m.Load(key); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, loaded := c.m.LoadOrStore(key, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}

// On PostgreSQL nothing is prepared here: pgx prepares and caches each
// query per connection by itself.

// query runs a prepared read on the reader pool.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s.pg {
		return s.r.QueryContext(ctx, q, args...)
	}
	st, err := s.stmts.get(ctx, s.r, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a prepared single-row read on the reader pool.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s.pg {
		return s.r.QueryRowContext(ctx, q, args...)
	}
	st, err := s.stmts.get(ctx, s.r, q)
	if err != nil {
		return s.r.QueryRowContext(ctx, q, args...) // carries the same error to Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// exec runs a prepared write on the writer connection.
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s.pg {
		return s.w.ExecContext(ctx, q, args...)
	}
	st, err := s.stmts.get(ctx, s.w, q)
	if err != nil {
		return nil, err
	}
	defer s.w.written()
	return st.ExecContext(ctx, args...)
}

// prepareTx prepares txQueries on the writer connection; Open calls it while
// no transaction holds that connection.
func (s *Store) prepareTx(ctx context.Context) error {
	if s.pg {
		return nil
	}
	for _, q := range txQueries {
		if _, err := s.stmts.get(ctx, s.w, q); err != nil {
			return err
		}
	}
	return nil
}

// txStmt returns q prepared for tx, or nil when q was not prepared at open
// (it then runs unprepared: never prepare inside a transaction).
func (s *Store) txStmt(ctx context.Context, tx *Tx, q string) *sql.Stmt {
	if s.pg {
		return nil
	}
	if v, ok := s.stmts.m.Load(stmtKey{s.w.DB, q}); ok {
		return tx.StmtContext(ctx, v.(*sql.Stmt))
	}
	return nil
}

// txExec runs a write inside tx.
func (s *Store) txExec(ctx context.Context, tx *Tx, q string, args ...any) (sql.Result, error) {
	if st := s.txStmt(ctx, tx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// txQueryRow runs a single-row read inside tx.
func (s *Store) txQueryRow(ctx context.Context, tx *Tx, q string, args ...any) *sql.Row {
	if st := s.txStmt(ctx, tx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// txQuery runs a read inside tx.
func (s *Store) txQuery(ctx context.Context, tx *Tx, q string, args ...any) (*sql.Rows, error) {
	if st := s.txStmt(ctx, tx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}
