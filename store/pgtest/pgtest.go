// Package pgtest runs a throwaway PostgreSQL cluster for tests: one per
// test binary, started on first use (initdb in a temp dir, pg_ctl, loopback
// only, no fsync), a fresh database per test, all removed by Stop, which
// the binary's TestMain calls after its tests.
//
// Debian's postgresql package provides the binaries (make test installs it
// through scripts/test-deps). Without them a test that asks for a database
// fails, saying what to install; under -short it is skipped.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// cluster is the binary's server, started by the first Database call.
var (
	mu      sync.Mutex
	started *cluster
	failed  error
)

type cluster struct {
	dir   string // data, socket and log; removed by Stop
	bin   string
	port  int
	admin *sql.DB
	seq   atomic.Int64
	asPG  bool // commands run as the postgres user (we are root)
}

// Available reports whether the PostgreSQL server binaries are installed.
func Available() bool {
	_, err := binDir()
	return err == nil
}

// binDir is where initdb and pg_ctl are: PG_BIN, or the newest
// /usr/lib/postgresql/*/bin (Debian), or the PATH.
func binDir() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package (make test does: scripts/test-deps), or set PG_BIN")
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// Database returns the URL of a new, empty database on the binary's
// cluster; it is dropped when tb ends.
func Database(tb testing.TB) string {
	tb.Helper()
	c, err := get()
	if err != nil {
		if testing.Short() {
			tb.Skipf("PostgreSQL: %v (-short)", err)
		}
		tb.Fatalf("PostgreSQL: %v", err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.seq.Add(1))
	if _, err := c.admin.Exec(`CREATE DATABASE ` + name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := c.admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	return c.url(name)
}

// Cut makes the database at url unreachable, as a network or server
// failure would: new connections are refused and open ones are ended.
func Cut(tb testing.TB, url string) {
	tb.Helper()
	c, err := get()
	if err != nil {
		tb.Fatal(err)
	}
	name := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]
	tb.Cleanup(func() { // reachable again, for what reads it after the test
		if _, err := c.admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`); err != nil {
			tb.Errorf("restore %s: %v", name, err)
		}
	})
	for _, q := range []string{
		`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`,
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + name + `'`,
	} {
		if _, err := c.admin.Exec(q); err != nil {
			tb.Fatalf("cut %s: %v", name, err)
		}
	}
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// BinDir is the directory of the cluster's binaries (pg_dump for a test
// that backs up); "" when none is installed.
func BinDir() string {
	d, _ := binDir()
	return d
}

func get() (*cluster, error) {
	mu.Lock()
	defer mu.Unlock()
	if started != nil || failed != nil {
		return started, failed
	}
	started, failed = start()
	return started, failed
}

func start() (*cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "doku-checkout-pg-")
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir, bin: bin, asPG: os.Geteuid() == 0}
	if c.asPG {
		// initdb refuses to run as root: the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root, and no postgres user to run the cluster as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if c.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	// Loopback only, no durability (a test cluster), room for the
	// connection pools of many apps at once.
	// PGTEST_DURABLE=1 keeps PostgreSQL's durability (fsync at commit), for
	// benchmarks that compare it with SQLite's synchronous=FULL.
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c max_connections=500", c.port, dir)
	if os.Getenv("PGTEST_DURABLE") == "" {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	c.admin, err = sql.Open("pgx", c.url("postgres"))
	if err == nil {
		err = c.admin.PingContext(context.Background())
	}
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("connect: %w", err)
	}
	c.admin.SetMaxOpenConns(2)
	return c, nil
}

// run runs a PostgreSQL binary, as the postgres user when we are root.
func (c *cluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.bin, name)}, args...)...)
	}
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

func (c *cluster) stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	if out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop"); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: pg_ctl stop: %v: %s\n", err, strings.TrimSpace(string(out)))
	}
	os.RemoveAll(c.dir)
}

// Stop stops the binary's cluster, if one was started, and removes it.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if started != nil {
		started.stop()
		started = nil
	}
}

// Main runs the binary's tests (call it from TestMain), then stops the
// cluster, and exits with the tests' code.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
