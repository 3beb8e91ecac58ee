package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"outpost/backend/queue"
)

// BenchmarkOpen opens the app on the data directory named by $OUTPOST_BENCH_DATA (a copy
// of a generated dataset; `outpost demo --data DIR --tickets N` makes one) until the
// first queue page (open tickets by SLA risk) is answered, as the window asks for it, and
// until every ticket is indexed.
func BenchmarkOpen(b *testing.B) {
	dir := os.Getenv("OUTPOST_BENCH_DATA")
	if dir == "" {
		b.Skip("set OUTPOST_BENCH_DATA to a generated data directory")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var first, all time.Duration
	for b.Loop() {
		began := time.Now()
		a, err := Open(context.Background(), Config{DataDir: dir, DeviceName: "bench", Logger: log, Sync: SyncConfig{Off: true}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Tickets.Queue(queue.Filter{Sort: queue.SortSLA, Limit: 200}); err != nil {
			b.Fatal(err)
		}
		first += time.Since(began)
		if err := a.queue.Err(); err != nil {
			b.Fatal(err)
		}
		all += time.Since(began)
		b.StopTimer()
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-page-ms")
	b.ReportMetric(float64(all.Milliseconds())/float64(b.N), "all-loaded-ms")
}
