package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// window is the measured part of a run: work that starts before from is
// warm-up, work that ends after to is not counted.
type window struct{ from, to time.Time }

func (w window) holds(start, end time.Time) bool { return !start.Before(w.from) && !end.After(w.to) }

// latencies collects durations from many goroutines.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.all = append(l.all, d...)
	l.mu.Unlock()
}

// percentile returns the p-th percentile (0 < p <= 100) in milliseconds.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	i = min(max(i, 0), len(sorted)-1)
	return ms(sorted[i])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// loadResult is one fixed-duration load run against one URL.
type loadResult struct {
	Name        string  `json:"name"`
	URL         string  `json:"url"`
	Conns       int     `json:"connections"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	RPS         float64 `json:"req_per_s"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	VsBaseline  float64 `json:"vs_baseline,omitempty"`
	BytesPerReq int64   `json:"bytes_per_req"`
	AppCPU      float64 `json:"server_cpu_cores"`         // server CPU seconds per wall second (of 2 cores)
	CPUPerReqUs float64 `json:"server_cpu_us_per_req"`    // server CPU time per request
	LoadCPU     float64 `json:"loadgen_cpu_cores"`        // the load generator's CPU seconds per wall second
	OtherCPU    float64 `json:"others_cpu_cores"`         // every other process's (noise: nothing else should run)
	DokuCPU     float64 `json:"doku_cpu_cores,omitempty"` // the external DOKU sandbox's (-doku external)
}

// loadClient is a keep-alive client with exactly conns connections to one
// host, following no redirects.
func loadClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
			IdleConnTimeout: 90 * time.Second, DisableCompression: true,
		},
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// load sends GET url with header from conns goroutines, each waiting for its
// answer before the next request (closed loop), for warmup+dur. Anything
// but a 200 is an error. cpu reports the server's CPU time so far.
func load(ctx context.Context, name, url string, header http.Header, conns int, warmup, dur time.Duration, cpu func() time.Duration) loadResult {
	client := loadClient(conns)
	defer client.CloseIdleConnections()
	start := time.Now()
	win := window{from: start.Add(warmup), to: start.Add(warmup + dur)}
	var (
		lat      latencies
		errs     atomic.Int64
		bytes    atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
	)
	cpuFrom := startCPU(win.from, cpu)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, 1<<16)
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(win.to) {
					break
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				req.Header = header.Clone()
				resp, err := client.Do(req)
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				t1 := time.Now()
				if !win.holds(t0, t1) {
					continue
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				bytes.Add(n)
				mine = append(mine, t1.Sub(t0))
			}
			lat.add(mine)
		}()
	}
	wg.Wait()
	cpuUsed, selfUsed, othersUsed, dokuUsed := cpuFrom.used(cpu)
	slices.Sort(lat.all)
	secs := dur.Seconds()
	r := loadResult{Name: name, URL: url, Conns: conns, Seconds: secs, Requests: len(lat.all), Errors: int(errs.Load()),
		RPS: float64(len(lat.all)) / secs, P50ms: percentile(lat.all, 50), P99ms: percentile(lat.all, 99),
		AppCPU: cpuUsed.Seconds() / secs, LoadCPU: selfUsed.Seconds() / secs, OtherCPU: othersUsed.Seconds() / secs,
		DokuCPU: dokuUsed.Seconds() / secs}
	if len(lat.all) > 0 {
		r.MaxMs = ms(lat.all[len(lat.all)-1])
		r.BytesPerReq = bytes.Load() / int64(len(lat.all))
		r.CPUPerReqUs = float64(cpuUsed.Microseconds()) / float64(len(lat.all))
	}
	if e, ok := firstErr.Load().(string); ok {
		r.FirstError = e
	}
	return r
}

// cpuMark is the server's, this program's, the machine's and the external
// DOKU sandbox's CPU time at the start of a window.
type cpuMark chan [4]time.Duration

// dokuCPU is the CPU time of the DOKU sandbox process with -doku external
// (it is kept out of "others"); nil with the embedded sandbox.
var dokuCPU func() time.Duration

func cpuTimes(cpu func() time.Duration) [4]time.Duration {
	t := [4]time.Duration{cpu(), selfCPU(), machineBusy()}
	if dokuCPU != nil {
		t[3] = dokuCPU()
	}
	return t
}

// startCPU reads the CPU times when the window opens at from.
func startCPU(from time.Time, cpu func() time.Duration) cpuMark {
	m := make(cpuMark, 1)
	go func() {
		time.Sleep(time.Until(from))
		m <- cpuTimes(cpu)
	}()
	return m
}

// used returns the CPU time the server, this program, every other process
// and the external DOKU sandbox (none when embedded) took since the mark.
func (m cpuMark) used(cpu func() time.Duration) (server, self, others, doku time.Duration) {
	now := cpuTimes(cpu)
	from := <-m
	server, self, doku = now[0]-from[0], now[1]-from[1], now[3]-from[3]
	return server, self, max(0, now[2]-from[2]-server-self-doku), doku
}
