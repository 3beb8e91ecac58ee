package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"outpost/backend/queue"
)

// BenchmarkOpen opens the app on the data directory named by $OUTPOST_BENCH_DATA (a copy
// of a generated dataset; `outpost demo --data DIR --tickets N` makes one) until the
// first queue page (open tickets by SLA risk) is answered, as the window asks for it.
func BenchmarkOpen(b *testing.B) {
	dir := os.Getenv("OUTPOST_BENCH_DATA")
	if dir == "" {
		b.Skip("set OUTPOST_BENCH_DATA to a generated data directory")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for b.Loop() {
		a, err := Open(context.Background(), Config{DataDir: dir, DeviceName: "bench", Logger: log, Sync: SyncConfig{Off: true}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Tickets.Queue(queue.Filter{Sort: queue.SortSLA, Limit: 200}); err != nil {
			b.Fatal(err)
		}
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
