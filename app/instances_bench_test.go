package app_test

import (
	"sync/atomic"
	"testing"
	"time"

	"doku-checkout/app/apptest"
)

// BenchmarkCheckoutFlows measures whole checkout flows (cart, checkout,
// 3-D Secure, charge, receipt) per second, 16 shoppers at once, in one run:
// one instance on SQLite, one on PostgreSQL, two on PostgreSQL behind the
// round-robin proxy. Every app, the sandbox and the shoppers share this
// process and its cores. PGTEST_DURABLE=1 gives PostgreSQL fsync at commit,
// as SQLite has (synchronous=FULL):
//
//	PGTEST_DURABLE=1 go test ./app/ -run '^$' -bench CheckoutFlows -benchtime 20s
func BenchmarkCheckoutFlows(b *testing.B) {
	env := apptest.Env(map[string]string{"LOG_LEVEL": "warn", "SANDBOX_PENDING_DELAY": "1ms"})
	quiet := func(o apptest.Option) []apptest.Option { return []apptest.Option{o, env, apptest.Unscanned()} }
	for _, tc := range []struct {
		name  string
		front func(b *testing.B) *apptest.App
	}{
		{"sqlite-1", func(b *testing.B) *apptest.App { return apptest.Start(b, quiet(apptest.Recorded())...) }},
		{"postgres-1", func(b *testing.B) *apptest.App { return apptest.StartInstances(b, 1, quiet(env)...).Front }},
		{"postgres-2", func(b *testing.B) *apptest.App { return apptest.StartInstances(b, 2, quiet(env)...).Front }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			front := tc.front(b)
			b.SetParallelism(8) // × GOMAXPROCS (2 here): 16 shoppers
			var flows atomic.Int64
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s := apptest.ToChallenge(b, front, "4111111111111111", "737")
					s.OTP("123456")
					if got := s.Text("order-status"); got != "SUCCESS" {
						b.Errorf("flow ended %q, want SUCCESS", got)
						return
					}
					flows.Add(1)
				}
			})
			b.ReportMetric(float64(flows.Load())/time.Since(start).Seconds(), "flows/s")
		})
	}
}
