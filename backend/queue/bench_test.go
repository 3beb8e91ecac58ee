package queue

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/sla"
)

// BenchmarkQueueView100k is the queue as the window asks for it at 100,000 tickets, every
// one of them open (the worst case: each needs an SLA badge to be sorted): a page of open
// tickets by SLA risk, the same filtered by category, by priority levels and oldest first,
// and a text filter. It reports the 50th and 95th percentile of a query.
func BenchmarkQueueView100k(b *testing.B) {
	dir := fixture(b, 100_000)
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	x, err := Build(st)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	engine, err := sla.NewEngine(sla.DefaultSettings())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().Add(36 * time.Hour) // some targets at risk, some breached
	x.SetSLA(func() *sla.Engine { return engine }, func() time.Time { return now })
	filters := []Filter{
		{Sort: SortSLA, Limit: 200},
		{Sort: SortSLA, Category: "network", Limit: 200},
		{Sort: "age", Priorities: []int{1, 2}, Limit: 200},
		{Sort: SortSLA, Text: "user 42", Limit: 200},
	}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for i := range 40 { // even one operation (make bench runs each benchmark once) gives percentiles
			began := time.Now()
			if r := x.Query(filters[i%len(filters)]); r.Total == 0 {
				b.Fatal("empty queue")
			}
			lat = append(lat, time.Since(began))
		}
	}
	slices.Sort(lat)
	ms := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.95), "p95-ms")
}

// BenchmarkStartDemo opens the queue on the generated dataset named by $OUTPOST_BENCH_DATA
// (`outpost demo --data DIR --tickets N`) and reports when the open tickets are ready (the
// window's first page) and when every ticket is.
func BenchmarkStartDemo(b *testing.B) {
	dir := os.Getenv("OUTPOST_BENCH_DATA")
	if dir == "" {
		b.Skip("set OUTPOST_BENCH_DATA to a generated data directory")
	}
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var open, all time.Duration
	for b.Loop() {
		began := time.Now()
		x := Start(st)
		x.wait(true)
		open += time.Since(began)
		if err := x.Err(); err != nil {
			b.Fatal(err)
		}
		all += time.Since(began)
		x.Close()
	}
	b.ReportMetric(float64(open.Milliseconds())/float64(b.N), "open-ready-ms")
	b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "all-ready-ms")
}
