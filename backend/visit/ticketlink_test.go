package visit

import (
	"context"
	"errors"
	"strings"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/schedule"
	"outpost/backend/technician"
)

// fixtureAt is a fixture whose store's clock reads clk.
func fixtureAt(t *testing.T, clk *storetest.Clock) fixture {
	t.Helper()
	return newFixture(t, storetest.OpenWith(t, store.Options{Now: clk.Now}), nil)
}

func TestCompletingAVisitWritesToItsTicket(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(utc("2026-11-24T07:00:00Z"))
	f := fixtureAt(t, clk)
	ctx := context.Background()
	v := f.create(t, "2026-11-24T09:00", "2026-11-24T11:00", "Replace switch") // 08:00-10:00 UTC
	// Before the visit starts it cannot be completed, and nothing is written.
	before, _ := f.st.StateHash()
	_, err := f.visits.Outcome(ctx, "ana", v.ID, "Replaced the switch", true)
	var fe *field.Error
	if !errors.As(err, &fe) || fe.Field != "status" || !strings.Contains(err.Error(), "once it has started") {
		t.Fatalf("completing a future visit: %v", err)
	}
	if after, _ := f.st.StateHash(); after != before {
		t.Fatal("a refused completion changed the store")
	}
	clk.Set(utc("2026-11-24T09:30:00Z")) // on site, 90 minutes in
	done, err := f.visits.Outcome(ctx, "ana", v.ID, "Replaced the switch; uplink tested", true)
	if err != nil || done.Status != StatusDone {
		t.Fatalf("Outcome = %+v, %v", done, err)
	}
	tk, err := f.tickets.Get(f.tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.WorkLogs) != 1 || tk.WorkLogs[0].Minutes != 90 || tk.WorkLogs[0].Author != "ana" {
		t.Fatalf("ticket work logs = %+v", tk.WorkLogs)
	}
	if len(tk.Comments) != 1 || !strings.Contains(tk.Comments[0].Body, "Replaced the switch; uplink tested") {
		t.Fatalf("ticket comments = %+v", tk.Comments)
	}
	// Saving the outcome text again does not log the work twice.
	if _, err := f.visits.Outcome(ctx, "ana", v.ID, "Replaced the switch; uplink tested twice", true); err != nil {
		t.Fatal(err)
	}
	if tk, _ = f.tickets.Get(f.tk.ID); len(tk.WorkLogs) != 1 {
		t.Fatalf("work logged twice: %+v", tk.WorkLogs)
	}
}

func TestReassignmentMovesOpenVisitsAndTimeOffListsCollisions(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(utc("2026-11-23T07:00:00Z"))
	f := fixtureAt(t, clk)
	ctx := context.Background()
	ben, err := f.techs.Create(ctx, "lead", technician.Profile{Name: "Ben", OnSite: true,
		Hours: schedule.WeekdayHours("Europe/Berlin", "09:00", "17:00")})
	if err != nil {
		t.Fatal(err)
	}
	past := f.create(t, "2026-11-20T09:00", "2026-11-20T10:00")
	next := f.create(t, "2026-11-24T09:00", "2026-11-24T10:00")
	movable, err := f.visits.Movable(f.tk.ID, f.ana.ID)
	if err != nil || len(movable) != 1 || movable[0].ID != next.ID {
		t.Fatalf("Movable = %+v, %v", movable, err)
	}
	moved, err := f.visits.MoveToTechnician(ctx, "lead", f.tk.ID, f.ana.ID, ben.ID)
	if err != nil || len(moved) != 1 || moved[0].Technician != ben.ID {
		t.Fatalf("MoveToTechnician = %+v, %v", moved, err)
	}
	if p, _ := f.visits.Get(past.ID); p.Technician != f.ana.ID {
		t.Fatalf("a past visit moved: %+v", p)
	}
	// Ben takes the 24th off: his visit that day is listed.
	if _, err := f.techs.Update(ctx, "lead", ben.ID, technician.Profile{Name: "Ben", OnSite: true,
		Hours:   schedule.WeekdayHours("Europe/Berlin", "09:00", "17:00"),
		TimeOff: []schedule.TimeOff{{From: "2026-11-24", To: "2026-11-25", Note: "moving house"}}}); err != nil {
		t.Fatal(err)
	}
	hit, err := f.visits.TimeOffCollisions(ben.ID)
	if err != nil || len(hit) != 1 || hit[0].ID != next.ID {
		t.Fatalf("TimeOffCollisions = %+v, %v", hit, err)
	}
}
