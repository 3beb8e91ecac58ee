package sla

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// For random timelines (replies, assignments, pauses, resolutions, reopens, priority
// changes) on a business calendar in a zone with DST and with a 24x7 priority, the
// model's shares at any instant after the last event equal Measure's, exactly.
func TestModelSharesEqualMeasure(t *testing.T) {
	t.Parallel()
	s := DefaultSettings()
	s.Calendar.Zone = "Europe/Berlin"
	s.Calendar.Holidays = []string{"2026-03-30", "2026-04-03"}
	s.Policy.Targets[0].AllHours = true // P1 runs around the clock
	e, err := NewEngine(s)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	statuses := []string{StatusNew, "assigned", "in_progress", StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved, StatusClosed, StatusReopened}
	start := time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)
	for n := range 3000 {
		tl := Timeline{Created: start.Add(time.Duration(r.IntN(20*24*60)) * time.Minute), Priority: 1 + r.IntN(5)}
		at := tl.Created
		for range r.IntN(8) {
			at = at.Add(time.Duration(r.IntN(3*24*60)) * time.Minute)
			var ev Event
			switch r.IntN(4) {
			case 0:
				ev = Event{At: at, Type: EventStatus, Value: statuses[r.IntN(len(statuses))]}
			case 1:
				ev = Event{At: at, Type: EventPriority, Value: strconv.Itoa(1 + r.IntN(5))}
			case 2:
				ev = Event{At: at, Type: EventResponse}
			default:
				ev = Event{At: at, Type: EventAssignee, Value: []string{"", "tech-1"}[r.IntN(2)]}
			}
			tl.Events = append(tl.Events, ev)
		}
		m := e.Model(tl)
		if !m.Valid() {
			t.Fatalf("timeline %d: ordered events gave no model", n)
		}
		for _, later := range []time.Duration{0, time.Minute, time.Duration(r.IntN(40*24*60)) * time.Minute} {
			now := m.Last.Add(later)
			want := e.Measure(tl, now)
			resp, responded, res := m.Shares(now)
			if resp != want.Response.Share || responded != want.Response.Done || res != want.Resolution.Share || m.Open != want.Open {
				t.Fatalf("timeline %d %+v at %s: model %v %v %v (open %v), Measure %v %v %v (open %v)", n, tl, now,
					resp, responded, res, m.Open, want.Response.Share, want.Response.Done, want.Resolution.Share, want.Open)
			}
		}
	}
}

func TestModelOfEventsOutOfOrder(t *testing.T) {
	t.Parallel()
	e, _ := NewEngine(DefaultSettings())
	c := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tl := Timeline{Created: c, Priority: 3, Events: []Event{{At: c.Add(2 * time.Hour), Type: EventResponse}, {At: c.Add(time.Hour), Type: EventStatus, Value: StatusResolved}}}
	if e.Model(tl).Valid() {
		t.Fatal("a model of events out of order")
	}
}
