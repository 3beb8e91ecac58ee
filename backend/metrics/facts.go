package metrics

import (
	"strconv"
	"time"

	"outpost/backend/sla"
)

// reopenWindow is how soon after a resolution a reopen counts against it.
const reopenWindow = 14 * 24 * time.Hour

// fact is one ticket as of the report's instant: what its timeline says up to then.
type fact struct {
	t          *Ticket
	created    time.Time
	open       bool
	status     string
	priority   int
	assignee   string      // at the report's instant
	resolvedAt time.Time   // the last move to Resolved, when the ticket is resolved or closed
	resolver   string      // the assignee when it was resolved
	resolves   []time.Time // every move to Resolved
	reopens    []time.Time
	firstTouch bool // resolved by the first assignee, no escalation, reassignment, waiting or reopen
	sla        sla.Result
}

// factOf replays t's timeline up to asOf.
func factOf(t *Ticket, e *sla.Engine, asOf time.Time) fact {
	tl := t.Timeline
	f := fact{t: t, created: tl.Created, status: sla.StatusNew, priority: tl.Priority, assignee: ""}
	sawAssignee := false
	var assignees []string
	escalated, waited := false, false
	for _, ev := range tl.Events {
		if ev.At.After(asOf) {
			break
		}
		switch ev.Type {
		case sla.EventStatus:
			f.status = ev.Value
			switch {
			case ev.Value == sla.StatusResolved:
				f.resolves = append(f.resolves, ev.At)
				f.resolvedAt, f.resolver = ev.At, f.assignee
			case ev.Value == sla.StatusReopened:
				f.reopens = append(f.reopens, ev.At)
			case sla.Paused(ev.Value):
				waited = true
			}
		case sla.EventPriority:
			if p, err := strconv.Atoi(ev.Value); err == nil {
				f.priority = p
			}
		case sla.EventAssignee:
			sawAssignee = true
			f.assignee = ev.Value
			if ev.Value != "" && !contains(assignees, ev.Value) {
				assignees = append(assignees, ev.Value)
			}
		case sla.EventEscalation:
			escalated = true
		}
	}
	if !sawAssignee { // a ticket from before lifecycle events: its current assignee
		f.assignee = t.Assignee
		if f.resolver == "" && !f.resolvedAt.IsZero() {
			f.resolver = t.Assignee
		}
	}
	f.open = !sla.Stopped(f.status)
	if f.open {
		f.resolvedAt, f.resolver = time.Time{}, ""
	}
	f.firstTouch = !f.open && len(assignees) <= 1 && !escalated && !waited && len(f.reopens) == 0
	f.sla = e.Evaluate(tl, asOf)
	return f
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Period is the half-open interval [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Has reports whether t falls in the period.
func (p Period) Has(t time.Time) bool { return !t.IsZero() && !t.Before(p.From) && t.Before(p.To) }

// reopenedWithin reports whether a resolution in the period was followed by a reopen within 14 days.
func (f *fact) resolvedIn(p Period) (resolved, reopened bool) {
	for _, r := range f.resolves {
		if !p.Has(r) {
			continue
		}
		resolved = true
		for _, o := range f.reopens {
			if o.After(r) && o.Sub(r) <= reopenWindow {
				reopened = true
			}
		}
	}
	return resolved, reopened
}
