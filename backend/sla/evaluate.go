package sla

import (
	"strconv"
	"time"
)

// State is where a target stands.
type State string

// States of a target. An open target is ok, warning75, warning90 or breached;
// a finished one (responded, resolved) is met or breached, and keeps that.
const (
	OK        State = "ok"
	Warning75 State = "warning75" // past the first warning share (75% by default)
	Warning90 State = "warning90" // past the second warning share (90% by default)
	Breached  State = "breached"
	Met       State = "met"
	// NotMeasured is an imported finished ticket whose old system recorded no SLA result.
	NotMeasured State = "not-measured"
)

// Progress is the state of one target of one ticket.
type Progress struct {
	State    State         `json:"state"`
	Priority int           `json:"priority"` // the priority whose target applies
	Target   time.Duration `json:"-"`
	Elapsed  time.Duration `json:"-"`     // business time on the clock, pauses excluded
	Share    float64       `json:"share"` // Elapsed / Target
	Done     bool          `json:"done"`  // responded / resolved (as of the instant asked)
	Paused   bool          `json:"paused"`
	AllHours bool          `json:"allHours"`
	// DoneAt is when the target was finished; DueAt when a running target will breach;
	// BreachedAt when it breached. Zero when not applicable.
	DoneAt     time.Time `json:"doneAt,omitzero"`
	DueAt      time.Time `json:"dueAt,omitzero"`
	BreachedAt time.Time `json:"breachedAt,omitzero"`

	TargetSeconds  int64 `json:"targetSeconds"`
	ElapsedSeconds int64 `json:"elapsedSeconds"`
	LeftSeconds    int64 `json:"leftSeconds"` // business seconds left; negative once breached
}

// Left is the business time left before the target breaches (negative once breached).
func (p Progress) Left() time.Duration { return p.Target - p.Elapsed }

// Result is the SLA state of one ticket at one instant.
type Result struct {
	Response   Progress `json:"response"`
	Resolution Progress `json:"resolution"`
	Open       bool     `json:"open"` // not resolved or closed at that instant
}

// Engine evaluates timelines against one policy and calendar. It is safe for concurrent use.
type Engine struct {
	policy   Policy
	business *Clock
	always   *Clock
	day      time.Duration
}

// NewEngine checks the settings and prepares their clocks.
func NewEngine(s Settings) (*Engine, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	business, err := NewClock(s.Calendar)
	if err != nil {
		return nil, err
	}
	c := s.Calendar
	c.AllHours = true
	always, err := NewClock(c)
	if err != nil {
		return nil, err
	}
	return &Engine{policy: s.Policy, business: business, always: always, day: time.Duration(s.Calendar.DayMinutes) * time.Minute}, nil
}

// Business returns the calendar's business clock (for measures in business hours).
func (e *Engine) Business() *Clock { return e.business }

// Policy returns the policy the engine applies.
func (e *Engine) Policy() Policy { return e.policy }

// clockFor returns the clock and business-day length a priority's targets run on.
func (e *Engine) clockFor(prio int) (*Clock, time.Duration, bool) {
	if e.business.AllHours() || e.target(prio).AllHours {
		return e.always, 24 * time.Hour, true
	}
	return e.business, e.day, false
}

func (e *Engine) target(prio int) Target {
	if prio < 1 || prio > 5 {
		prio = 3 // an unknown priority is measured as the middle one
	}
	return e.policy.Targets[prio-1]
}

type span struct{ from, to time.Time }

// Evaluate computes the SLA state of a ticket with timeline tl at instant now.
// Events after now are ignored, so asking about an earlier instant replays history.
//
// The rules: both clocks start at creation and count business time of the calendar
// (24x7 when the calendar or the priority's target says so); they stop while the
// status is waiting on the requester or a third party. The response target is met
// by the first public reply, assignment or move out of New, once: a reopen does not
// restart it. The resolution clock stops at Resolved or Closed and resumes on reopen,
// adding to the time already counted. Targets follow the ticket's current priority
// and are measured from creation.
func (e *Engine) Evaluate(tl Timeline, now time.Time) Result { return e.evaluate(tl, now, true) }

// Measure is Evaluate without the due times of running targets (DueAt stays zero):
// what reports need, at a fraction of the cost.
func (e *Engine) Measure(tl Timeline, now time.Time) Result { return e.evaluate(tl, now, false) }

func (e *Engine) evaluate(tl Timeline, now time.Time, due bool) Result {
	var buf [8]span
	runs := buf[:0]
	prio, status := tl.Priority, StatusNew
	last := tl.Created
	var responded, stoppedAt time.Time
	respPrio := 0
	for _, ev := range tl.Events {
		at := ev.At
		if at.After(now) {
			break
		}
		if at.Before(tl.Created) {
			at = tl.Created
		}
		running := !Paused(status) && !Stopped(status)
		if running && at.After(last) {
			runs = append(runs, span{last, at})
		}
		last = at
		switch ev.Type {
		case EventStatus:
			status = ev.Value
			if Stopped(status) {
				stoppedAt = at
			}
		case EventPriority:
			if p, err := strconv.Atoi(ev.Value); err == nil && p >= 1 && p <= 5 {
				prio = p
			}
		}
		if responded.IsZero() && responds(ev) {
			responded, respPrio = at, prio
		}
	}
	open := !Stopped(status)
	paused := Paused(status)
	if open && !paused && now.After(last) {
		runs = append(runs, span{last, now})
	}
	res := Result{Open: open}
	if responded.IsZero() {
		respPrio = prio
	}
	res.Response = e.progress(runs, responded, respPrio, true, paused, now, due)
	if open {
		stoppedAt = time.Time{}
	}
	res.Resolution = e.progress(runs, stoppedAt, prio, false, paused, now, due)
	if tl.Outcome != "" && !open {
		res.Response = recorded(tl.Outcome, respPrio, responded)
		res.Resolution = recorded(tl.Outcome, prio, stoppedAt)
	}
	return res
}

// recorded is a finished target as another help desk recorded it (see Timeline.Outcome):
// met or breached at its end, or not measured (counted neither met nor due).
func recorded(outcome State, prio int, end time.Time) Progress {
	p := Progress{State: NotMeasured, Priority: prio, Done: true}
	switch outcome {
	case Met:
		p.State, p.DoneAt = Met, end
	case Breached:
		p.State, p.BreachedAt = Breached, end
	}
	return p
}

// progress measures one target over the running spans up to done (or all of them when done is zero).
func (e *Engine) progress(runs []span, done time.Time, prio int, response, paused bool, now time.Time, due bool) Progress {
	clock, day, always := e.clockFor(prio)
	t := e.target(prio)
	target := t.Resolution.duration(day)
	if response {
		target = t.Response.duration(day)
	}
	p := Progress{Priority: prio, Target: target, Done: !done.IsZero(), DoneAt: done, AllHours: always, Paused: paused && done.IsZero()}
	var elapsed time.Duration
	for _, r := range runs {
		if p.Done && !r.from.Before(done) {
			break
		}
		to := r.to
		if p.Done && to.After(done) {
			to = done
		}
		d := clock.Between(r.from, to)
		if p.BreachedAt.IsZero() && elapsed+d > target {
			p.BreachedAt = clock.Add(r.from, target-elapsed)
		}
		elapsed += d
	}
	p.Elapsed = elapsed
	p.Share = float64(elapsed) / float64(target)
	warn1, warn2 := float64(e.policy.WarnAt[0])/100, float64(e.policy.WarnAt[1])/100
	switch {
	case elapsed > target:
		p.State = Breached
	case p.Done:
		p.State = Met
	case p.Share >= warn2:
		p.State = Warning90
	case p.Share >= warn1:
		p.State = Warning75
	default:
		p.State = OK
	}
	if due && !p.Done && !p.Paused && p.State != Breached {
		p.DueAt = dueAt(clock, runs, elapsed, target, now)
	}
	p.TargetSeconds, p.ElapsedSeconds = int64(target/time.Second), int64(elapsed/time.Second)
	p.LeftSeconds = p.TargetSeconds - p.ElapsedSeconds
	return p
}

// dueAt is the instant the target's business time runs out. It is found from the start of the
// running span, not from now: with no business time left during closed hours (the target used up
// exactly at a close), "now plus nothing" would move with the clock all night, while the time ran
// out at the close.
func dueAt(clock *Clock, runs []span, elapsed, target time.Duration, now time.Time) time.Time {
	if n := len(runs); n > 0 && runs[n-1].to.Equal(now) {
		r := runs[n-1]
		before := elapsed - clock.Between(r.from, r.to)
		return clock.Add(r.from, target-before)
	}
	return clock.Add(now, target-elapsed)
}

// Badge is the SLA summary a queue row shows for an open ticket: the open target
// most at risk (response until it is met, then resolution). JSON shape, on each
// open queue row as "sla":
//
//	{"state": "ok"|"warning75"|"warning90"|"breached", "risk": "ok"|"warning"|"breached"|"paused",
//	 "target": "response"|"resolution", "label": "reply 45m left", "breached": false,
//	 "leftSeconds": 2700, "share": 0.62, "paused": false, "dueAt": "2025-03-04T15:00:00Z"}
//
// leftSeconds is business time left (negative once breached); share is elapsed/target
// (1.0 = the whole target used); dueAt is absent while paused or once breached; label
// is short text for the row ("reply 45m left", "fix 3h 10m left", "fix overdue 20m", "paused").
type Badge struct {
	State       State     `json:"state"`
	Risk        string    `json:"risk"`
	Target      string    `json:"target"`
	Label       string    `json:"label"`
	Breached    bool      `json:"breached"`
	LeftSeconds int64     `json:"leftSeconds"`
	Share       float64   `json:"share"`
	Paused      bool      `json:"paused"`
	DueAt       time.Time `json:"dueAt,omitzero"`
}

// Badge returns the badge of an open ticket, or nil for a resolved or closed one.
func (r Result) Badge() *Badge {
	if !r.Open {
		return nil
	}
	p, name := r.Resolution, "resolution"
	if !r.Response.Done && r.Response.Share >= r.Resolution.Share {
		p, name = r.Response, "response"
	}
	risk, label := p.Label(name)
	return &Badge{State: p.State, Target: name, LeftSeconds: p.LeftSeconds, Share: p.Share, Paused: p.Paused, DueAt: p.DueAt,
		Breached: p.State == Breached, Risk: risk, Label: label}
}

// Label returns the risk class ("ok", "warning", "breached", "paused") and the short
// text a row shows for this target ("reply 45m left", "fix overdue 20m", ...).
func (p Progress) Label(target string) (risk, label string) {
	verb := "fix"
	if target == "response" {
		verb = "reply"
	}
	switch {
	case p.State == Breached:
		return "breached", verb + " overdue " + Short(-p.Left())
	case p.Paused:
		return "paused", "paused, " + Short(p.Left()) + " left"
	case p.State != OK:
		return "warning", verb + " " + Short(p.Left()) + " left"
	}
	return "ok", verb + " " + Short(p.Left()) + " left"
}

// Short writes a duration the way a queue row shows it: "45m", "3h 10m", "2d 4h", "12d" (d = 24 h).
func Short(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return strconv.Itoa(h) + "h"
		}
		return strconv.Itoa(h) + "h " + strconv.Itoa(m) + "m"
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 || days >= 3 {
		return strconv.Itoa(days) + "d"
	}
	return strconv.Itoa(days) + "d " + strconv.Itoa(h) + "h"
}
