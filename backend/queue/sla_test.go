package queue

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

func TestQueueCarriesSLABadgesAndSortsByRisk(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	clock := t0
	st, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), Now: func() time.Time { return clock },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
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
	mk := func(title string, impact, urgency ticket.Level) ticket.Ticket {
		tk, err := svc.Create(ctx, "a", ticket.NewTicket{Title: title, Impact: impact, Urgency: urgency})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	at := func(d time.Duration) { clock = t0.Add(d) }
	a := mk("A P3", ticket.Medium, ticket.Medium) // 09:00
	c := mk("C P5", ticket.Low, ticket.Low)       // 09:00
	e := mk("E P2", ticket.High, ticket.Medium)   // 09:00
	d := mk("D resolved", ticket.High, ticket.High)
	at(30 * time.Minute)
	if _, err := svc.Transition(ctx, "a", e.ID, ticket.StatusWaitingRequester, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, "a", d.ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	at(time.Hour)
	mk("B P1", ticket.High, ticket.High) // 10:00
	_, _ = a, c

	if r := x.Query(Filter{}); r.Tickets[0].SLA != nil {
		t.Fatalf("badge without an SLA engine: %+v", r.Tickets[0].SLA)
	}
	settings := sla.DefaultSettings()
	settings.Calendar.AllHours = true
	engine, err := sla.NewEngine(settings)
	if err != nil {
		t.Fatal(err)
	}
	x.SetSLA(func() *sla.Engine { return engine }, func() time.Time { return t0.Add(2 * time.Hour) })

	// At 11:00, 24x7: B's 15 min response is 1 h in (400%); A's 4 h response is 2 h in (50%);
	// E waits since 09:30 with 30 min of its 8 h resolution used (6.25%); C's 2-day response is 2 h in (4.2%).
	r := x.Query(Filter{Sort: SortSLA})
	var order []string
	for _, row := range r.Tickets {
		order = append(order, row.Title)
	}
	if got := strings.Join(order, ","); got != "B P1,A P3,E P2,C P5" {
		t.Fatalf("sla order = %s", got)
	}
	want := []struct {
		state  sla.State
		target string
		share  float64
		paused bool
	}{
		{sla.Breached, "response", 4, false},
		{sla.OK, "response", 0.5, false},
		{sla.OK, "resolution", 0.0625, true},
		{sla.OK, "response", 2.0 / 48, false},
	}
	for i, w := range want {
		b := r.Tickets[i].SLA
		if b == nil || b.State != w.state || b.Target != w.target || b.Share != w.share || b.Paused != w.paused {
			t.Errorf("%s badge = %+v, want %+v", r.Tickets[i].Title, b, w)
		}
	}
	// The default order carries badges on the page too, and none on a resolved ticket.
	all := x.Query(Filter{IncludeClosed: true, Limit: 10})
	for _, row := range all.Tickets {
		if (row.SLA == nil) != (row.Title == "D resolved") {
			t.Errorf("%s: badge %+v", row.Title, row.SLA)
		}
	}
}

// TestRiskShareIsTheBadgeShare: the queue sorts by riskShare of Measure and shows the
// badge of Evaluate; both must tell the same risk.
func TestRiskShareIsTheBadgeShare(t *testing.T) {
	t.Parallel()
	e, err := sla.NewEngine(sla.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	ev := func(h float64, typ sla.EventType, v string) sla.Event {
		return sla.Event{At: t0.Add(time.Duration(h * float64(time.Hour))), Type: typ, Value: v}
	}
	tests := []struct {
		name string
		tl   sla.Timeline
	}{
		{"new", sla.Timeline{Created: t0, Priority: 3}},
		{"responded", sla.Timeline{Created: t0, Priority: 2, Events: []sla.Event{ev(0.5, sla.EventStatus, "in_progress")}}},
		{"waiting", sla.Timeline{Created: t0, Priority: 1, Events: []sla.Event{ev(0.2, sla.EventStatus, "waiting_requester")}}},
		{"resolved", sla.Timeline{Created: t0, Priority: 4, Events: []sla.Event{ev(3, sla.EventStatus, "resolved")}}},
		{"reprioritised", sla.Timeline{Created: t0, Priority: 5, Events: []sla.Event{ev(1, sla.EventPriority, "1")}}},
	}
	for _, tt := range tests {
		for _, later := range []time.Duration{time.Minute, 3 * time.Hour, 50 * time.Hour, 30 * 24 * time.Hour} {
			t.Run(tt.name, func(t *testing.T) {
				now := t0.Add(later)
				b := e.Evaluate(tt.tl, now).Badge()
				want := -1.0
				if b != nil {
					want = b.Share
				}
				if got := riskShare(e.Measure(tt.tl, now)); got != want {
					t.Fatalf("at +%s: riskShare %v, badge share %v", later, got, want)
				}
			})
		}
	}
}

// The risk the queue sorts by (from each entry's SLA model) is the one Measure gives,
// under whichever engine is current, and for a clock behind a ticket's last event.
func TestRiskFromModelsEqualsMeasure(t *testing.T) {
	t.Parallel()
	st := openStore(t, t.TempDir())
	ids := seedTickets(t, st, 30)
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	for i, id := range ids {
		switch i % 5 {
		case 0:
			_, _ = svc.Transition(ctx, "a", id, ticket.StatusWaitingRequester, "asked for logs")
		case 3:
			_, _ = svc.Assign(ctx, "a", id, "tech-1")
		}
	}
	x := buildFresh(t, st)
	office, _ := sla.NewEngine(sla.DefaultSettings())
	round := sla.DefaultSettings()
	round.Calendar.AllHours = true
	allHours, _ := sla.NewEngine(round)
	for _, e := range []*sla.Engine{office, allHours, office} {
		for _, later := range []time.Duration{-time.Hour, 0, 90 * time.Minute, 5 * 24 * time.Hour} {
			now := time.Now().Add(later)
			for _, en := range x.open.list {
				if got, want := en.riskAt(e, now), riskShare(e.Measure(en.fact.Timeline, now)); got != want {
					t.Fatalf("%s at %s: risk %v from the model, %v from Measure", en.ID, now, got, want)
				}
			}
		}
	}
}
