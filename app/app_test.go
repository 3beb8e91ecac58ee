package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"outpost/backend/queue"
	"outpost/backend/ticket"
)

func openApp(t testing.TB) *App {
	t.Helper()
	a, err := Open(context.Background(), Config{DataDir: t.TempDir(), DeviceName: "desk-1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

const testToken = "0123456789abcdef0123456789abcdef"

func TestBoundMethodsHideInternalErrors(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	if _, err := a.Tickets.Create(ticket.NewTicket{Title: "x"}); err != nil {
		t.Fatal(err)
	}
	// Storage fails from here on. Closing the store under the app stands in for a failing
	// disk, so first let the start-up work that reads the store on its own goroutines finish
	// (the queue's background load, the search index build): Badger panics rather than
	// errs when a read is in flight as it closes. Nothing else reads on its own: the index
	// and the queue then only follow commits, and a closed store commits nothing.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.queue.Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.index.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	a.st.Close()
	_, err := a.Tickets.Create(ticket.NewTicket{Title: "after close"})
	if err == nil || err != ErrInternal {
		t.Fatalf("error after storage failure = %v, want ErrInternal", err)
	}
	if r, _ := a.Tickets.Queue(queue.Filter{}); r.Total != 1 {
		t.Fatalf("queue = %+v", r)
	}
}
