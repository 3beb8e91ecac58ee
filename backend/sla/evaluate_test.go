package sla

import (
	"testing"
	"time"

	"outpost/backend/core/field"
)

func assertField(t *testing.T, err error, want string) {
	t.Helper()
	fe, ok := field.As(err)
	if !ok || fe.Field != want {
		t.Fatalf("error = %v, want a field error on %s", err, want)
	}
}

type ev struct {
	at    string
	typ   EventType
	value string
}

func timeline(loc *time.Location, created string, prio int, evs ...ev) Timeline {
	tl := Timeline{Created: at(loc, created), Priority: prio}
	for _, e := range evs {
		tl.Events = append(tl.Events, Event{At: at(loc, e.at), Type: e.typ, Value: e.value})
	}
	return tl
}

// want is the expected state of one target; "" times mean zero.
type want struct {
	state           State
	elapsed         time.Duration
	done, paused    bool
	due, breachedAt string
	priority        int
}

func TestEvaluateGolden(t *testing.T) {
	t.Parallel()
	berlin, ny := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	office := DefaultSettings()
	office.Calendar = officeCalendar("Europe/Berlin")
	holidays := DefaultSettings()
	holidays.Calendar = officeCalendar("Europe/Berlin", "2025-12-25", "2025-12-26")
	wednesdayOff := DefaultSettings()
	wednesdayOff.Calendar = officeCalendar("Europe/Berlin", "2025-03-05")
	nonstop := DefaultSettings()
	nonstop.Calendar = roundTheClock("Europe/Berlin")
	newYork := DefaultSettings()
	newYork.Calendar = officeCalendar("America/New_York")
	p1AllHours := DefaultSettings()
	p1AllHours.Calendar = officeCalendar("Europe/Berlin")
	p1AllHours.Policy.Targets[0].AllHours = true

	// A P3 ticket opened Monday 15:00 and assigned at 15:30 (case "night" and "calendar change").
	mondayP3 := timeline(berlin, "2025-03-03 15:00", 3, ev{"2025-03-03 15:30", EventAssignee, "tom"})

	tests := []struct {
		name       string
		settings   Settings
		loc        *time.Location
		tl         Timeline
		now        string
		open       bool
		response   want
		resolution want
	}{
		{
			// P2: response 1 h, resolution 8 h. Mon 16:00-17:00 + Tue 09:00-10:00 = 2 h on the clock.
			// Response breached at Mon 17:00 (1 h in). Resolution 2/8 = 25%, due Tue 10:00 + 6 h = 16:00.
			name: "unanswered over night", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 16:00", 2), now: "2025-03-04 10:00", open: true,
			response:   want{state: Breached, elapsed: 2 * time.Hour, breachedAt: "2025-03-03 17:00", priority: 2},
			resolution: want{state: OK, elapsed: 2 * time.Hour, due: "2025-03-04 16:00", priority: 2},
		},
		{
			// P3: response 4 h met after 30 min. Resolution 3 business days = 24 h:
			// Mon 15-17 (2 h) + Tue (8 h) + Wed 9-12 (3 h) = 13 h; 11 h left: Wed 12-17 (5 h), Thu 9-15 (6 h).
			name: "night", settings: office, loc: berlin, tl: mondayP3, now: "2025-03-05 12:00", open: true,
			response:   want{state: Met, elapsed: 30 * time.Minute, done: true, priority: 3},
			resolution: want{state: OK, elapsed: 13 * time.Hour, due: "2025-03-06 15:00", priority: 3},
		},
		{
			// The same history with Wednesday 5 March made a holiday: Mon 2 h + Tue 8 h = 10 h;
			// 14 h left from Wed 12:00: Thu 8 h, Fri 09:00 + 6 h.
			name: "calendar change", settings: wednesdayOff, loc: berlin, tl: mondayP3, now: "2025-03-05 12:00", open: true,
			response:   want{state: Met, elapsed: 30 * time.Minute, done: true, priority: 3},
			resolution: want{state: OK, elapsed: 10 * time.Hour, due: "2025-03-07 15:00", priority: 3},
		},
		{
			// P2 waiting on the requester from Fri 15:00 to Tue 11:00, over a weekend and a whole Monday:
			// Fri 14-15 (1 h) + Tue 11-13 (2 h) = 3 h of 8 h; 5 h left: Tue 13-17 (4 h), Wed 09-10.
			name: "pause over a weekend", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-07 14:00", 2,
				ev{"2025-03-07 14:10", EventAssignee, "tom"},
				ev{"2025-03-07 15:00", EventStatus, StatusWaitingRequester},
				ev{"2025-03-11 11:00", EventStatus, "in_progress"}),
			now: "2025-03-11 13:00", open: true,
			response:   want{state: Met, elapsed: 10 * time.Minute, done: true, priority: 2},
			resolution: want{state: OK, elapsed: 3 * time.Hour, due: "2025-03-12 10:00", priority: 2},
		},
		{
			// The same ticket asked about on Monday noon, while it waits: 1 h on the clock, paused, no due time.
			name: "while paused", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-07 14:00", 2,
				ev{"2025-03-07 14:10", EventAssignee, "tom"},
				ev{"2025-03-07 15:00", EventStatus, StatusWaitingThirdParty},
				ev{"2025-03-11 11:00", EventStatus, "in_progress"}),
			now: "2025-03-10 12:00", open: true,
			response:   want{state: Met, elapsed: 10 * time.Minute, done: true, priority: 2},
			resolution: want{state: OK, elapsed: time.Hour, paused: true, priority: 2},
		},
		{
			// P2 resolved Mon 12:00 after 3 h, reopened Wed 10:00: the clock resumes at 3 h and
			// reaches 8 h at Wed 15:00; by 16:00 it shows 9 h. The response (5 min) stays met.
			name: "reopen after resolve", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 09:00", 2,
				ev{"2025-03-03 09:05", EventAssignee, "tom"},
				ev{"2025-03-03 12:00", EventStatus, StatusResolved},
				ev{"2025-03-05 10:00", EventStatus, StatusReopened}),
			now: "2025-03-05 16:00", open: true,
			response:   want{state: Met, elapsed: 5 * time.Minute, done: true, priority: 2},
			resolution: want{state: Breached, elapsed: 9 * time.Hour, breachedAt: "2025-03-05 15:00", priority: 2},
		},
		{
			// The same ticket on Tuesday, before the reopen: resolved, met after 3 h.
			name: "resolved, before the reopen", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 09:00", 2,
				ev{"2025-03-03 09:05", EventAssignee, "tom"},
				ev{"2025-03-03 12:00", EventStatus, StatusResolved},
				ev{"2025-03-05 10:00", EventStatus, StatusReopened}),
			now: "2025-03-04 12:00", open: false,
			response:   want{state: Met, elapsed: 5 * time.Minute, done: true, priority: 2},
			resolution: want{state: Met, elapsed: 3 * time.Hour, done: true, priority: 2},
		},
		{
			// Opened as P4 at 09:00, answered 09:30, raised to P1 at 11:00. Resolution follows P1 (4 h)
			// measured from creation: 3 h at 12:00 = 75%, due 13:00. The response was met at P4 (1 business day).
			name: "priority raised mid-flight", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 09:00", 4,
				ev{"2025-03-03 09:30", EventAssignee, "tom"},
				ev{"2025-03-03 11:00", EventPriority, "1"}),
			now: "2025-03-03 12:00", open: true,
			response:   want{state: Met, elapsed: 30 * time.Minute, done: true, priority: 4},
			resolution: want{state: Warning75, elapsed: 3 * time.Hour, due: "2025-03-03 13:00", priority: 1},
		},
		{
			// The same at 12:40: 3 h 40 min of 4 h = 91.7%.
			name: "priority raised, second warning", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 09:00", 4,
				ev{"2025-03-03 09:30", EventAssignee, "tom"},
				ev{"2025-03-03 11:00", EventPriority, "1"}),
			now: "2025-03-03 12:40", open: true,
			response:   want{state: Met, elapsed: 30 * time.Minute, done: true, priority: 4},
			resolution: want{state: Warning90, elapsed: 220 * time.Minute, due: "2025-03-03 13:00", priority: 1},
		},
		{
			// Lowered from P1 to P5 at 10:00: 10 business days = 80 h, 2 h used; due 78 h later:
			// Mon 11-17 (6 h) + 9 days x 8 h = 78 h, ending Fri 14 Mar 17:00.
			name: "priority lowered mid-flight", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 09:00", 1,
				ev{"2025-03-03 09:10", EventStatus, "in_progress"},
				ev{"2025-03-03 10:00", EventPriority, "5"}),
			now: "2025-03-03 11:00", open: true,
			response:   want{state: Met, elapsed: 10 * time.Minute, done: true, priority: 1},
			resolution: want{state: OK, elapsed: 2 * time.Hour, due: "2025-03-14 17:00", priority: 5},
		},
		{
			// Wed 24 Dec 16:00-17:00 (1 h), 25/26 Dec holidays, the weekend, Mon 29 Dec (8 h) = 9 h of 24 h.
			// 15 h left: Tue 30 Dec (8 h), Wed 31 Dec 09:00 + 7 h.
			name: "holidays", settings: holidays, loc: berlin,
			tl:  timeline(berlin, "2025-12-24 16:00", 3, ev{"2025-12-24 16:05", EventAssignee, "tom"}),
			now: "2025-12-29 17:00", open: true,
			response:   want{state: Met, elapsed: 5 * time.Minute, done: true, priority: 3},
			resolution: want{state: OK, elapsed: 9 * time.Hour, due: "2025-12-31 16:00", priority: 3},
		},
		{
			// A P1 on a round-the-clock calendar across Berlin's spring change: 23:00 CET to 04:00 CEST
			// is 4 real hours = exactly the 4 h target (100%, not yet past it). Unanswered: the 15 min
			// response target breached at 23:15.
			name: "DST spring, Berlin", settings: nonstop, loc: berlin,
			tl: timeline(berlin, "2025-03-29 23:00", 1), now: "2025-03-30 04:00", open: true,
			response:   want{state: Breached, elapsed: 4 * time.Hour, breachedAt: "2025-03-29 23:15", priority: 1},
			resolution: want{state: Warning90, elapsed: 4 * time.Hour, due: "2025-03-30 04:00", priority: 1},
		},
		{
			// Berlin falls back on 26 Oct: 00:30 CEST to 02:30 CET is 3 real hours. P2 answered at 00:45.
			name: "DST autumn, Berlin", settings: nonstop, loc: berlin,
			tl:  timeline(berlin, "2025-10-26 00:30", 2, ev{"2025-10-26 00:45", EventResponse, ""}),
			now: "2025-10-26 02:30", open: true,
			response:   want{state: Met, elapsed: 15 * time.Minute, done: true, priority: 2},
			resolution: want{state: OK, elapsed: 3 * time.Hour, due: "2025-10-26 07:30", priority: 2},
		},
		{
			// Office hours in New York over the spring weekend: Fri 16:30-17:00 EST + Mon 09:00-09:30 EDT = 1 h.
			name: "DST weekend, New York", settings: newYork, loc: ny,
			tl:  timeline(ny, "2025-03-07 16:30", 3, ev{"2025-03-07 16:31", EventAssignee, "ana"}),
			now: "2025-03-10 09:30", open: true,
			response:   want{state: Met, elapsed: time.Minute, done: true, priority: 3},
			resolution: want{state: OK, elapsed: time.Hour, due: "2025-03-12 16:30", priority: 3},
		},
		{
			// P1 runs 24x7 by policy though the calendar is office hours: Fri 16:00 to Sat 00:00 = 8 h,
			// so the 4 h target breached at Fri 20:00.
			name: "24x7 priority", settings: p1AllHours, loc: berlin,
			tl:  timeline(berlin, "2025-03-07 16:00", 1, ev{"2025-03-07 16:05", EventAssignee, "tom"}),
			now: "2025-03-08 00:00", open: true,
			response:   want{state: Met, elapsed: 5 * time.Minute, done: true, priority: 1},
			resolution: want{state: Breached, elapsed: 8 * time.Hour, breachedAt: "2025-03-07 20:00", priority: 1},
		},
		{
			// Resolved late and closed: a resolved ticket keeps whether it met each target.
			// P2 opened Mon 09:00, resolved Tue 11:00 = 8 h + 2 h = 10 h > 8 h, breached Mon 17:00.
			name: "resolved late, then closed", settings: office, loc: berlin,
			tl: timeline(berlin, "2025-03-03 09:00", 2,
				ev{"2025-03-03 09:20", EventStatus, "in_progress"},
				ev{"2025-03-04 11:00", EventStatus, StatusResolved},
				ev{"2025-03-05 11:00", EventStatus, StatusClosed}),
			now: "2025-03-20 12:00", open: false,
			response:   want{state: Met, elapsed: 20 * time.Minute, done: true, priority: 2},
			resolution: want{state: Breached, elapsed: 10 * time.Hour, done: true, breachedAt: "2025-03-03 17:00", priority: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEngine(tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			got := e.Evaluate(tt.tl, at(tt.loc, tt.now))
			if got.Open != tt.open {
				t.Errorf("open = %v, want %v", got.Open, tt.open)
			}
			check(t, "response", tt.loc, got.Response, tt.response)
			check(t, "resolution", tt.loc, got.Resolution, tt.resolution)
		})
	}
}

func check(t *testing.T, name string, loc *time.Location, got Progress, w want) {
	t.Helper()
	wantTime := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		return at(loc, s)
	}
	if got.State != w.state || got.Elapsed != w.elapsed || got.Done != w.done || got.Paused != w.paused || got.Priority != w.priority {
		t.Errorf("%s = %s, elapsed %v, done %v, paused %v, P%d; want %s, %v, %v, %v, P%d",
			name, got.State, got.Elapsed, got.Done, got.Paused, got.Priority, w.state, w.elapsed, w.done, w.paused, w.priority)
	}
	if !got.DueAt.Equal(wantTime(w.due)) {
		t.Errorf("%s due = %v, want %s", name, got.DueAt.In(loc), w.due)
	}
	if !got.BreachedAt.Equal(wantTime(w.breachedAt)) {
		t.Errorf("%s breached at = %v, want %s", name, got.BreachedAt.In(loc), w.breachedAt)
	}
	if got.LeftSeconds != int64((got.Target-got.Elapsed)/time.Second) {
		t.Errorf("%s left = %d s, want target - elapsed", name, got.LeftSeconds)
	}
}

func TestBadge(t *testing.T) {
	t.Parallel()
	berlin := mustLoc(t, "Europe/Berlin")
	s := DefaultSettings()
	s.Calendar = officeCalendar("Europe/Berlin")
	e, err := NewEngine(s)
	if err != nil {
		t.Fatal(err)
	}
	// Unanswered P2 after 2 h: the response (200%) is the target at risk.
	b := e.Evaluate(timeline(berlin, "2025-03-03 16:00", 2), at(berlin, "2025-03-04 10:00")).Badge()
	if b == nil || b.Target != "response" || b.State != Breached || b.LeftSeconds != -3600 || b.Share != 2 || b.Label != "reply overdue 1h" || b.Risk != "breached" {
		t.Fatalf("badge = %+v", b)
	}
	// Answered: the resolution shows (2 h of 8 h).
	b = e.Evaluate(timeline(berlin, "2025-03-03 16:00", 2, ev{"2025-03-03 16:10", EventResponse, ""}), at(berlin, "2025-03-04 10:00")).Badge()
	if b == nil || b.Target != "resolution" || b.State != OK || b.Share != 0.25 || b.LeftSeconds != 6*3600 || b.Label != "fix 6h left" || b.Risk != "ok" {
		t.Fatalf("badge = %+v", b)
	}
	// Resolved: no badge.
	if b := e.Evaluate(timeline(berlin, "2025-03-03 16:00", 2, ev{"2025-03-03 16:10", EventStatus, StatusResolved}), at(berlin, "2025-03-04 10:00")).Badge(); b != nil {
		t.Fatalf("resolved ticket badge = %+v", b)
	}
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		edit      func(*Policy)
		wantField string
	}{
		{"zero response", func(p *Policy) { p.Targets[0].Response.Amount = 0 }, "policy.P1.response"},
		{"bad unit", func(p *Policy) { p.Targets[1].Resolution.Unit = "weeks" }, "policy.P2.resolution"},
		{"more than a year", func(p *Policy) { p.Targets[4].Resolution = Span{400, BusinessDays} }, "policy.P5.resolution"},
		{"priority out of place", func(p *Policy) { p.Targets[2].Priority = 4 }, "policy.P3.priority"},
		{"warnings reversed", func(p *Policy) { p.WarnAt = [2]int{90, 75} }, "policy.warnAt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := DefaultPolicy()
			tt.edit(&p)
			assertField(t, p.Validate(), tt.wantField)
			if _, err := NewEngine(Settings{Policy: p, Calendar: DefaultCalendar()}); err == nil {
				t.Fatal("NewEngine accepted a bad policy")
			}
		})
	}
}

func TestSettingsRefuseAResponseDueAfterTheResolution(t *testing.T) {
	t.Parallel()
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatalf("default settings: %v", err)
	}
	s.Policy.Targets[1].Response = Span{2, BusinessDays} // 16 business hours
	s.Policy.Targets[1].Resolution = Span{8, Hours}
	assertField(t, s.Validate(), "policy.P2.response")
	if _, err := NewEngine(s); err == nil {
		t.Fatal("NewEngine accepted a response due after the resolution")
	}
	s.Policy.Targets[1].Response = Span{1, BusinessDays} // one 8-hour business day: due with the resolution
	if err := s.Validate(); err != nil {
		t.Fatalf("a response due with the resolution: %v", err)
	}
}

func TestShort(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		45 * time.Minute: "45m", 3*time.Hour + 10*time.Minute: "3h 10m", 5 * time.Hour: "5h",
		52 * time.Hour: "2d 4h", 48 * time.Hour: "2d", 29*time.Second + time.Minute: "1m", 75*24*time.Hour + 20*time.Hour: "75d",
	} {
		if got := Short(d); got != want {
			t.Errorf("Short(%v) = %q, want %q", d, got, want)
		}
	}
}
