package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/queue"
	"outpost/backend/search"
	"outpost/backend/ticket"
)

// Close stops everything that reads the store on its own goroutine (the queue's
// background load, the search index's build, the SLA check) and waits for it
// before closing the store: closing while start-up work is still scanning must
// not make Badger panic on a read in flight, and the interrupted work is finished
// at the next start, as if the app had never closed early.
func TestCloseDuringStartUpWork(t *testing.T) {
	t.Parallel()
	const n = 4000
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Dir: dir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	svc := ticket.NewService(st, nil)
	for i := 0; i < n; i += 500 {
		batch := make([]ticket.NewTicket, 500)
		for j := range batch {
			batch[j] = ticket.NewTicket{Title: fmt.Sprintf("Printer %d offline", i+j), Category: "hardware"}
		}
		if _, err := svc.CreateBatch(ctx, "alice", batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	cfg := Config{DataDir: dir, DeviceName: "desk-1", Logger: log, Sync: SyncConfig{Off: true}}
	for _, wait := range []time.Duration{0, time.Millisecond, 10 * time.Millisecond, 50 * time.Millisecond} {
		t.Run(fmt.Sprintf("closed %s after opening", wait), func(t *testing.T) {
			// Without an index on disk, the next start rebuilds it: a long scan in the background.
			if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
				t.Fatal(err)
			}
			a, err := Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(wait) // how far the start-up work gets does not matter: every stage must stop cleanly
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("the next start finishes the work", func(t *testing.T) {
		a, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := a.index.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if err := a.queue.Err(); err != nil {
			t.Fatal(err)
		}
		if q, err := a.Tickets.Queue(queue.Filter{Limit: 1}); err != nil || q.Total != n {
			t.Fatalf("queue total = %d, %v; want %d", q.Total, err, n)
		}
		res, err := a.Search.Search(search.Query{Text: "printer offline", Limit: 1})
		if err != nil || res.Total != n {
			t.Fatalf("search total = %d, %v; want %d", res.Total, err, n)
		}
	})
}
