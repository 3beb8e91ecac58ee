package sop

import (
	"context"
	"fmt"
	"outpost/backend/core/store/storetest"
	"strings"
	"testing"
	"time"
)

// BenchmarkList5k lists a knowledge base of 5,000 SOPs of about 3 KiB with three
// revisions each, as the app does: summaries kept in memory, one SOP saved
// before each list (so each list refreshes one summary). first-ms is the first
// list, which reads every record.
func BenchmarkList5k(b *testing.B) {
	b.StopTimer()
	st := storetest.Open(b)
	s := NewService(st, fixedDay)
	ctx := context.Background()
	para := strings.Repeat("Check the cable, the port and the switch log. ", 60)
	for i := range 5000 {
		sp, err := s.Create(ctx, "bench", NewSOP{Title: fmt.Sprintf("Procedure %d", i), Body: para, Category: "network", ReviewBy: "2025-01-01"})
		if err != nil {
			b.Fatal(err)
		}
		for r := range 2 {
			if sp, err = s.Save(ctx, "bench", sp.ID, sp.Title, para+fmt.Sprint(r), []string{sp.Current}, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
	stop := s.KeepSummaries()
	defer stop()
	t0 := time.Now()
	if _, err := s.List(Filter{}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "first-ms")
	any, _ := s.List(Filter{})
	for i := range b.N {
		sp, err := s.Get(any[i%len(any)].ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Save(ctx, "bench", sp.ID, sp.Title, sp.Body+"x", []string{sp.Current}, ""); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		l, err := s.List(Filter{Stale: true})
		b.StopTimer()
		if err != nil || len(l) != 5000 {
			b.Fatalf("list = %d, %v", len(l), err)
		}
	}
}
