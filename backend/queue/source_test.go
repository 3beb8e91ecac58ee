package queue

import (
	"context"
	"testing"

	"outpost/backend/ticket"
)

// The queue says how each request came in, so that mail stands out in the list.
func TestRowsCarryTheSource(t *testing.T) {
	t.Parallel()
	st := openStore(t, t.TempDir())
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	x, err := Build(st)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, n := range []ticket.NewTicket{
		{Title: "Printer jammed", Source: ticket.SourcePhone},
		{Title: "Mailbox full", Source: ticket.SourceEmail},
	} {
		if _, err := svc.Create(ctx, "a", n); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]ticket.Source{}
	for _, r := range x.Query(Filter{}).Tickets {
		got[r.Title] = r.Source
	}
	if got["Printer jammed"] != ticket.SourcePhone || got["Mailbox full"] != ticket.SourceEmail {
		t.Errorf("sources in the queue: %v", got)
	}
}
