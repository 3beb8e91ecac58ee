package ticket

import (
	"context"
	"errors"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/store/storetest"
)

// refuseTicketsOf refuses every ticket change of one device (as a role rule would).
type refuseTicketsOf struct{ device string }

func (r refuseTicketsOf) Check(c *change.Change) error {
	if c.Device == r.device && c.Kind == Kind {
		return errors.New("this device may not edit tickets")
	}
	return nil
}

func (r refuseTicketsOf) Scope(*change.Change) ([]string, bool) { return nil, false }

// A change a replica refused shows in the ticket's history as refused, with why, not as applied.
func TestHistoryMarksRefusedChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := storetest.Open(t), storetest.Open(t)
	sa, sb := NewService(a, nil), NewService(b, nil)
	tk := newTicket(t, sa)
	storetest.Sync(t, a, b)
	a.SetChecker(refuseTicketsOf{device: b.Device().ID})
	title := "Printer on floor 3"
	if _, err := sb.Update(ctx, "mallory", tk.ID, Patch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if err := storetest.Exchange(a, b); err != nil { // the replicas now differ: a refuses what b applied
		t.Fatal(err)
	}
	got, err := sa.Get(tk.ID)
	if err != nil || got.Title != "VPN drops every hour" {
		t.Fatalf("ticket on a = %+v, %v; want the refused title left out", got.Title, err)
	}
	hist, err := sa.History(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, e := range hist {
		switch {
		case e.Device == b.Device().ID && e.Field == fTitle:
			if e.Refused != "this device may not edit tickets" {
				t.Fatalf("the refused title reads %+v", e)
			}
			refused++
		case e.Refused != "":
			t.Fatalf("an applied write is marked refused: %+v", e)
		}
	}
	if refused != 1 {
		t.Fatalf("%d refused title writes in the history, want 1", refused)
	}
	if hist, _ := sb.History(tk.ID); hist[len(hist)-1].Refused != "" {
		t.Fatal("the device without the rule shows its own write as refused")
	}
}
