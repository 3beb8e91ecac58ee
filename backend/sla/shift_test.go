package sla

import (
	"testing"
	"time"
)

func TestShiftCountsOpenTicketsThatChangeStanding(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	before := DefaultSettings()
	before.Calendar.AllHours = true
	after := before
	after.Policy.Targets[0].Response = Span{2, Hours}       // P1: 15 min -> 2 h
	after.Policy.Targets[1].Resolution = Span{150, Minutes} // P2: 8 h -> 2 h 30
	now := at(utc, "2025-03-03 12:00")
	tickets := []struct {
		name     string
		tl       Timeline
		from, to Standing
	}{
		{"P2 two hours in: 25% of 8 h, 80% of 2 h 30", timeline(utc, "2025-03-03 10:00", 2, ev{"2025-03-03 10:05", EventAssignee, "tom"}), Within, AtRisk},
		{"P2 seven hours in: 87% of 8 h, past 2 h 30", timeline(utc, "2025-03-03 05:00", 2, ev{"2025-03-03 05:05", EventAssignee, "tom"}), AtRisk, Overdue},
		{"P1 unanswered for an hour: past 15 min, half of 2 h", timeline(utc, "2025-03-03 11:00", 1), Overdue, Within},
		{"P3 an hour in: untouched by the change", timeline(utc, "2025-03-03 11:00", 3, ev{"2025-03-03 11:10", EventAssignee, "tom"}), Within, Within},
	}
	old, err := NewEngine(before)
	if err != nil {
		t.Fatal(err)
	}
	next, err := NewEngine(after)
	if err != nil {
		t.Fatal(err)
	}
	var s Shift
	for _, tk := range tickets {
		b, a := old.Evaluate(tk.tl, now), next.Evaluate(tk.tl, now)
		if StandingOf(b) != tk.from || StandingOf(a) != tk.to {
			t.Fatalf("%s: standing %q -> %q, want %q -> %q", tk.name, StandingOf(b), StandingOf(a), tk.from, tk.to)
		}
		s.Add(b, a)
	}
	if want := (Shift{Open: 4, Changed: 3, Breached: 1, AtRisk: 1, Within: 1}); s != want {
		t.Fatalf("shift = %+v, want %+v", s, want)
	}
}

func TestStandingOfAResolvedTicketIsNotShown(t *testing.T) {
	t.Parallel()
	e, err := NewEngine(DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	utc := time.UTC
	tl := timeline(utc, "2025-03-03 10:00", 2, ev{"2025-03-03 10:30", EventStatus, StatusResolved})
	if got := StandingOf(e.Evaluate(tl, at(utc, "2025-03-03 12:00"))); got != NotShown {
		t.Fatalf("standing of a resolved ticket = %q, want none", got)
	}
}
