package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// BenchmarkBareSyncedCommit is the floor under a durable write on this disk: one small
// key committed by Badger with synced writes, nothing else.
func BenchmarkBareSyncedCommit(b *testing.B) {
	s := openTest(b)
	var lat []time.Duration
	i := 0
	for b.Loop() {
		for range commitsPerOp {
			i++
			began := time.Now()
			err := s.db.Update(func(txn *badger.Txn) error {
				return txn.Set([]byte(fmt.Sprint("m/bench/", i)), []byte("x"))
			})
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(began))
		}
	}
	reportPercentiles(b, lat)
}

// commitsPerOp is how many commits one benchmark operation makes, so that even one
// operation (make bench runs each benchmark once) gives percentiles.
const commitsPerOp = 200

// BenchmarkDurableWrite measures user actions committed with a synced write each.
func BenchmarkDurableWrite(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		for range commitsPerOp {
			i++
			began := time.Now()
			_, err := s.Update(ctx, "bench", func(tx *Tx) error {
				_, err := tx.Write("ticket", fmt.Sprint("t", i), []change.Op{
					set(b, "title", "Printer on the third floor prints blank pages", nil),
					set(b, "status", "new", nil),
					set(b, "priority", 3, nil),
				})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(began))
		}
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	slices.Sort(lat)
	ms := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(sum.Microseconds())/1000/float64(len(lat)), "ms/commit")
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// BenchmarkApply10kRemoteChanges measures merging 10,000 changes from another
// device (signature checks, folds, one durable commit per batch).
func BenchmarkApply10kRemoteChanges(b *testing.B) {
	src := openTest(b)
	ctx := context.Background()
	const n = 10_000
	for i := 0; i < n-1; i += 500 {
		_, err := src.Update(ctx, "bench", func(tx *Tx) error {
			for j := i; j < min(i+500, n-1); j++ {
				id := fmt.Sprint("t", j%2000) // several changes per record
				rec, _ := tx.Get("ticket", id)
				if _, err := tx.Write("ticket", id, []change.Op{set(b, "title", fmt.Sprint("title ", j), rec.Heads("title"))}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	all, err := src.ChangesAfter(Vector{}, 1<<30)
	if err != nil || len(all) != n {
		b.Fatalf("source holds %d changes, %v", len(all), err)
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		dst := openTest(b)
		b.StartTimer()
		res, err := dst.Apply(all)
		if err != nil || res.Applied != n {
			b.Fatalf("applied %d of %d: %v", res.Applied, n, err)
		}
	}
	b.ReportMetric(float64(n), "changes/op")
}
