package metrics

import (
	"strconv"
	"time"

	"outpost/backend/sla"
)

// reopenWindow is how soon after a resolution a reopen counts against it.
const reopenWindow = 14 * 24 * time.Hour

// target is what the reports keep of one SLA target.
type target struct {
	priority   int
	share      float64
	done       bool
	breached   bool
	doneAt     time.Time
	breachedAt time.Time
}

func targetOf(p sla.Progress) target {
	return target{priority: p.Priority, share: p.Share, done: p.Done, breached: p.State == sla.Breached, doneAt: p.DoneAt, breachedAt: p.BreachedAt}
}

// fact is one ticket as of the report's instant: what its timeline says up to then.
type fact struct {
	t          *Ticket
	created    time.Time
	open       bool
	priority   int
	assignee   string    // at the report's instant
	resolvedAt time.Time // the last move to Resolved, when the ticket is resolved or closed
	resolver   string    // the assignee when it was resolved
	firstTouch bool      // resolved by the first assignee, no escalation, reassignment, waiting or reopen
	// resolvedInPeriod: moved to Resolved in the period; reopenedInPeriod: one of those moves was
	// followed by a reopen within 14 days.
	resolvedInPeriod, reopenedInPeriod bool
	response, resolution               target
}

// factOf replays t's timeline up to asOf.
func factOf(t *Ticket, e *sla.Engine, p Period, asOf time.Time) fact {
	tl := t.Timeline
	f := fact{t: t, created: tl.Created, priority: tl.Priority}
	status := sla.StatusNew
	sawAssignee, reassigned, escalated, waited, reopened := false, false, false, false, false
	first := ""
	var lastResolveInPeriod time.Time
	for _, ev := range tl.Events {
		if ev.At.After(asOf) {
			break
		}
		switch ev.Type {
		case sla.EventStatus:
			status = ev.Value
			switch {
			case ev.Value == sla.StatusResolved:
				f.resolvedAt, f.resolver = ev.At, f.assignee
				if p.Has(ev.At) {
					f.resolvedInPeriod, lastResolveInPeriod = true, ev.At
				}
			case ev.Value == sla.StatusReopened:
				reopened = true
				if !lastResolveInPeriod.IsZero() && ev.At.Sub(lastResolveInPeriod) <= reopenWindow {
					f.reopenedInPeriod = true
				}
			case sla.Paused(ev.Value):
				waited = true
			}
		case sla.EventPriority:
			if n, err := strconv.Atoi(ev.Value); err == nil {
				f.priority = n
			}
		case sla.EventAssignee:
			sawAssignee = true
			f.assignee = ev.Value
			if ev.Value != "" {
				if first == "" {
					first = ev.Value
				} else if ev.Value != first {
					reassigned = true
				}
			}
		case sla.EventEscalation:
			escalated = true
		}
	}
	if !sawAssignee { // a ticket from before lifecycle events: its current assignee
		f.assignee = t.Assignee
		if !f.resolvedAt.IsZero() {
			f.resolver = t.Assignee
		}
	}
	f.open = !sla.Stopped(status)
	if f.open {
		f.resolvedAt, f.resolver = time.Time{}, ""
	}
	f.firstTouch = !f.open && !reassigned && !escalated && !waited && !reopened
	r := e.Measure(tl, asOf)
	f.response, f.resolution = targetOf(r.Response), targetOf(r.Resolution)
	return f
}

// Period is the half-open interval [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Has reports whether t falls in the period.
func (p Period) Has(t time.Time) bool { return !t.IsZero() && !t.Before(p.From) && t.Before(p.To) }
