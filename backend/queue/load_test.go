package queue

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

func TestLoadsAndLastAssigned(t *testing.T) {
	t.Parallel()
	// Assignment times have millisecond resolution: a hand-moved clock keeps the order
	// of the assignments below however fast the machine makes them.
	clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), Now: clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	x, err := Build(st)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	mk := func(assignee string) ticket.Ticket {
		clock.Add(time.Minute)
		tk, err := svc.Create(ctx, "a", ticket.NewTicket{Title: "t"})
		if err != nil {
			t.Fatal(err)
		}
		if assignee != "" {
			if tk, err = svc.Assign(ctx, "a", tk.ID, assignee); err != nil {
				t.Fatal(err)
			}
		}
		return tk
	}
	mk("tech-a")
	a2 := mk("tech-a")
	b1 := mk("tech-b")
	mk("")
	if _, err := svc.Resolve(ctx, "a", b1.ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	loads := x.Loads()
	if loads["tech-a"] != 2 || loads["tech-b"] != 0 || len(loads) != 1 {
		t.Fatalf("loads = %v", loads)
	}
	last := x.LastAssigned()
	if !last["tech-a"].Equal(a2.Assigned) || !last["tech-b"].Equal(b1.Assigned) || !last["tech-b"].After(last["tech-a"]) {
		t.Fatalf("last assigned = %v (a2 %v, b1 %v)", last, a2.Assigned, b1.Assigned)
	}
}
