package replica

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/demo"
)

// BenchmarkJoinDemo measures a new device joining a team whose replica holds a year of
// demo tickets with their histories (distinct records, comments, work logs), from its
// join to identical state: the moment a new laptop first opens Outpost. OUTPOST_JOIN_TICKETS
// sets the size (default 20,000).
func BenchmarkJoinDemo(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("OUTPOST_JOIN_TICKETS")); err == nil && v > 0 {
		n = v
	}
	var sent atomic.Int64
	tm := newTeam(b)
	src := startCounted(b, tm, &sent)
	if _, err := demo.Load(context.Background(), src.st, b.TempDir(), demo.Config{Tickets: n, Technicians: 20, Seed: 1}, nil); err != nil {
		b.Fatal(err)
	}
	all, _ := src.st.ChangesAfter(store.Vector{}, 1<<30)
	var encoded int64
	for _, c := range all {
		raw, _ := c.Encode()
		encoded += int64(len(raw))
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		var idle atomic.Int64
		dst := startCounted(b, tm, &idle)
		sent.Store(0)
		b.StartTimer()
		start := time.Now()
		if _, err := dst.rep.Join([]string{src.rep.Addr()}); err != nil {
			b.Fatal(err)
		}
		converge(b, 5*time.Minute, src, dst)
		took := time.Since(start)
		b.StopTimer()
		b.ReportMetric(took.Seconds(), "join-s")
		b.ReportMetric(float64(len(all))/took.Seconds(), "changes/s")
		b.ReportMetric(float64(sent.Load())/float64(encoded), "wire-x")
		dst.stop()
	}
}
