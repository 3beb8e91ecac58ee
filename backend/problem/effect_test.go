package problem

import (
	"context"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

func TestCounts(t *testing.T) {
	t.Parallel()
	fix := t0
	day := 24 * time.Hour
	tk := func(id, cat string, created time.Time) ticket.Summary {
		return ticket.Summary{ID: id, Category: cat, Created: created}
	}
	tickets := []ticket.Summary{
		tk("l1", "other", fix.Add(-3*day)),  // linked, before
		tk("v1", "vpn", fix.Add(-27*day)),   // category, before
		tk("v2", "vpn", fix.Add(-1*day)),    // before
		tk("v3", "VPN", fix.Add(-2*day)),    // before, category matched without case
		tk("v0", "vpn", fix.Add(-40*day)),   // outside the window
		tk("v4", "vpn", fix.Add(2*day)),     // after
		tk("x1", "printing", fix.Add(-day)), // neither linked nor in category
	}
	tests := []struct {
		name        string
		p           Problem
		now         time.Time
		before      int
		after       int
		afterDays   float64
		verdictHas  string
		afterPerWk  float64
		beforePerWk float64
	}{
		{"no fix yet", Problem{Category: "vpn", Incidents: []string{"l1"}}, fix, 4, 0, 0, "No fix recorded", 0, 1},
		{"worked", Problem{Category: "vpn", Incidents: []string{"l1"}, FixedAt: &fix}, fix.Add(28 * day), 4, 1, 28, "It worked", 0.3, 1},
		{"fix too recent", Problem{Category: "vpn", FixedAt: &fix}, fix.Add(time.Hour), 3, 0, 0, "less than a day", 0, 0.8},
		{"not yet", Problem{Category: "vpn", FixedAt: &fix}, fix.Add(3 * day), 3, 1, 3, "Not yet", 2.3, 0.8},
		{"linked only", Problem{Incidents: []string{"l1", "v4"}, FixedAt: &fix}, fix.Add(60 * day), 1, 1, 28, "Not yet", 0.3, 0.3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Counts(tt.p, tickets, tt.now, DefaultWindow)
			if e.Before != tt.before || e.After != tt.after || e.AfterDays != tt.afterDays ||
				e.AfterPerWeek != tt.afterPerWk || e.BeforePerWeek != tt.beforePerWk || !strings.Contains(e.Verdict, tt.verdictHas) {
				t.Fatalf("Counts = %+v", e)
			}
		})
	}
}

// TestCountsFromTheStore counts tickets created on a moving clock and linked through the service.
func TestCountsFromTheStore(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	st := storetest.OpenWith(t, store.Options{Now: c.Now})
	ts, ps := ticket.NewService(st, nil), NewService(st, c.Now)
	ctx := context.Background()
	before := mkTickets(t, ts, "vpn", 6) // six VPN tickets in the week before the fix
	p, err := ps.Open(ctx, "lead", NewProblem{Title: "VPN drops", Category: "vpn", Tickets: before[:2]})
	if err != nil {
		t.Fatal(err)
	}
	c.Add(7 * 24 * time.Hour)
	fix := "Rekey interval raised"
	if _, err := ps.Update(ctx, "lead", p.ID, Patch{Fix: &fix}); err != nil {
		t.Fatal(err)
	}
	if p, err = ps.SetStatus(ctx, "lead", p.ID, StatusResolved); err != nil {
		t.Fatal(err)
	}
	c.Add(24 * time.Hour)
	mkTickets(t, ts, "vpn", 1)
	c.Add(27 * 24 * time.Hour)
	var sums []ticket.Summary
	err = st.Scan(ticket.Kind, func(r change.Record) error {
		sums = append(sums, ticket.FromRecord(r).Summary)
		return nil
	})
	if err != nil || len(sums) != 7 {
		t.Fatalf("%d tickets, %v", len(sums), err)
	}
	e := Counts(p, sums, c.Now(), DefaultWindow)
	if e.Before != 6 || e.After != 1 || !strings.Contains(e.Verdict, "It worked") {
		t.Fatalf("effect = %+v", e)
	}
}
