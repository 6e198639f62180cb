package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"doku-checkout/app"
)

// servePprof is the bench binary's hidden child mode for -profile: the real
// app, built by app.New exactly as main does, plus net/http/pprof on
// PPROF_ADDR, so CPU profiles hold the server's work only.
func servePprof(ctx context.Context) error {
	cfg, err := app.LoadConfig(os.Getenv)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, os.Stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	pln, err := net.Listen("tcp", os.Getenv("PPROF_ADDR"))
	if err != nil {
		return err
	}
	psrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go psrv.Serve(pln)
	defer psrv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln)
}

// profiler collects CPU profiles from a servePprof child.
type profiler struct {
	dir, pprofURL string
	errs          chan error
	pending       int
}

// collect takes a CPU profile named name covering [now+after, now+after+dur]
// (or, named "heap", the in-use heap after after) in the background; wait
// gathers the results.
func (p *profiler) collect(ctx context.Context, name string, after, dur time.Duration) {
	if p == nil {
		return
	}
	p.pending++
	go func() {
		p.errs <- func() error {
			select {
			case <-time.After(after):
			case <-ctx.Done():
				return ctx.Err()
			}
			url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", p.pprofURL, int(dur.Seconds()))
			if name == "heap" { // in-use memory now, after a forced GC
				url = p.pprofURL + "/debug/pprof/heap?gc=1"
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("profile %s: status %d", name, resp.StatusCode)
			}
			path := filepath.Join(p.dir, name+".pprof")
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, resp.Body); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			args := []string{"tool", "pprof", "-top", "-nodecount=40"}
			if name == "heap" {
				args = append(args, "-sample_index=inuse_space")
			}
			top, err := exec.CommandContext(ctx, "go", append(args, path)...).CombinedOutput()
			if err != nil {
				return fmt.Errorf("go tool pprof %s: %v\n%s", path, err, top)
			}
			if name == "heap" {
				if err := p.memStats(ctx); err != nil {
					return err
				}
			}
			return os.WriteFile(filepath.Join(p.dir, name+".top.txt"), top, 0o644)
		}()
	}()
}

// memStats writes the runtime's memory statistics (the "# " lines of the
// heap profile's text form) to heap.memstats.txt: where the RSS beyond
// the live heap sits (stacks, idle spans, runtime metadata).
func (p *profiler) memStats(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.pprofURL+"/debug/pprof/heap?debug=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var out strings.Builder
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "# 0x") {
			out.WriteString(l + "\n")
		}
	}
	return os.WriteFile(filepath.Join(p.dir, "heap.memstats.txt"), []byte(out.String()), 0o644)
}

// wait returns when every profile started so far is written.
func (p *profiler) wait() error {
	if p == nil {
		return nil
	}
	var errs []error
	for ; p.pending > 0; p.pending-- {
		errs = append(errs, <-p.errs)
	}
	return errors.Join(errs...)
}
