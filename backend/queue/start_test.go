package queue

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
	"outpost/backend/ticket"
)

// TestStartWhileEditing loads an index in the background while tickets are created,
// reopened, resolved and deleted, and checks that once loaded it equals one built
// from the final state, open and closed tickets alike.
func TestStartWhileEditing(t *testing.T) {
	t.Parallel()
	st := openStore(t, t.TempDir())
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	var ids []string
	for i := range 300 {
		tk, err := svc.Create(ctx, "a", ticket.NewTicket{Title: fmt.Sprint("Ticket ", i), Category: "network"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
		if i%3 > 0 {
			if _, err := svc.Resolve(ctx, "a", tk.ID, "fixed", "fixed it"); err != nil {
				t.Fatal(err)
			}
		}
	}
	x := Start(st)
	defer x.Close()
	for i := 0; i < 60; i++ { // while it loads
		var err error
		switch i % 4 { // ids[3k] are open, the others resolved
		case 0:
			_, err = svc.Transition(ctx, "b", ids[i*3+1], ticket.StatusReopened, "again")
		case 1:
			err = svc.Delete(ctx, "b", ids[i*3+2])
		case 2:
			_, err = svc.Create(ctx, "b", ticket.NewTicket{Title: fmt.Sprint("Late ", i), Category: "email"})
		case 3:
			_, err = svc.Comment(ctx, "b", ids[i*3], "checked", false)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	open := x.Query(Filter{Limit: 1000}) // waits for the open tickets only
	if err := x.Err(); err != nil {
		t.Fatal(err)
	}
	fresh, err := Build(st)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	rows := func(r Result) string {
		s := fmt.Sprint(r.Total, ":")
		for _, t := range r.Tickets {
			s += fmt.Sprintf("%s/%s/%d;", t.ID, t.Status, t.Updated.UnixNano())
		}
		return s
	}
	tests := []struct {
		name string
		f    Filter
	}{
		{"open", Filter{Limit: 1000}},
		{"all", Filter{IncludeClosed: true, Limit: 1000}},
		{"resolved", Filter{Statuses: []ticket.Status{ticket.StatusResolved}, Limit: 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := rows(x.Query(tt.f)), rows(fresh.Query(tt.f)); got != want {
				t.Fatalf("loaded while editing:\n%s\nbuilt afterwards:\n%s", got, want)
			}
		})
	}
	// Rows carry the ticket's own summary (the queue reads tickets without their comments).
	for _, row := range x.Query(Filter{IncludeClosed: true, Limit: 1000}).Tickets {
		tk, err := svc.Get(row.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(row.Summary, tk.Summary) {
			t.Fatalf("row %+v\nticket %+v", row.Summary, tk.Summary)
		}
	}
	if x.Len() != fresh.Len() {
		t.Fatalf("Len = %d, want %d", x.Len(), fresh.Len())
	}
	if open.Total == 0 {
		t.Fatal("no open tickets while loading")
	}
}

func TestSurelyClosed(t *testing.T) {
	t.Parallel()
	set := func(f string, v any, r ...change.ID) change.Op { op, _ := change.Set(f, v, r); return op }
	c := func(dev string, seq uint64, at int, ops ...change.Op) change.Change {
		return change.Change{Device: dev, Seq: seq, HLC: hlc.Timestamp(1000 + at), Author: dev, Kind: ticket.Kind, Entity: "t", Ops: ops}
	}
	tests := []struct {
		name string
		cs   []change.Change
		want bool
	}{
		{"new", []change.Change{c("a", 1, 1, set("status", "new"))}, false},
		{"no status", []change.Change{c("a", 1, 1, set("title", "x"))}, false},
		{"resolved", []change.Change{c("a", 1, 1, set("status", "resolved"))}, true},
		{"closed", []change.Change{c("a", 1, 1, set("status", "closed"))}, true},
		{"deleted", []change.Change{c("a", 1, 1, set("status", "closed"), set(change.FieldDeleted, true))}, false},
		{"resolved against a concurrent reopen", []change.Change{c("a", 1, 1, set("status", "reopened")), c("b", 1, 2, set("status", "resolved"))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := change.Fold(tt.cs)
			raw, _ := r.Encode()
			got, err := surelyClosed(raw)
			if err != nil || got != tt.want {
				t.Fatalf("surelyClosed = %v, %v; want %v", got, err, tt.want)
			}
			if got && ticket.FromRecord(r).Status.Open() {
				t.Fatal("left for later but open")
			}
		})
	}
}
