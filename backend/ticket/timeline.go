package ticket

import (
	"cmp"
	"encoding/json"
	"strconv"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/sla"
)

// fEvents holds the ticket's lifecycle events: append-only items written in the same
// change as the status, priority or assignee write they describe, so the timeline
// travels with the ticket and is ordered by the change's HLC on every replica.
const fEvents = "events"

// Event is one lifecycle step: a status, priority or assignee change, an escalation
// (To: the new tier) or the first public reply by an agent (a "response").
type Event struct {
	Type sla.EventType `json:"type"`
	From string        `json:"from,omitempty"`
	To   string        `json:"to,omitempty"`
	At   time.Time     `json:"at"`
	By   string        `json:"by"`
}

type storedEvent struct {
	Type sla.EventType `json:"type"`
	From string        `json:"from,omitempty"`
	To   string        `json:"to,omitempty"`
}

func readEvents(r change.Record) []Event {
	out := []Event{}
	for _, it := range r.Items[fEvents] {
		var e storedEvent
		if json.Unmarshal(it.Value, &e) == nil {
			out = append(out, Event{Type: e.Type, From: e.From, To: e.To, At: it.At.Time(), By: it.By})
		}
	}
	return out
}

// timelineOps returns the event items that describe the operations of one action on
// record r by author: every change of status, priority or assignee, an escalation,
// and the first public comment by someone other than the requester.
func timelineOps(r change.Record, t Ticket, author string, ops []change.Op) ([]change.Op, error) {
	var out change.Ops
	responded := false
	for _, e := range t.Events {
		responded = responded || e.Type == sla.EventResponse
	}
	for _, op := range ops {
		switch {
		case op.Op == change.OpSet && (op.Field == fStatus || op.Field == fAssignee):
			var to string
			if json.Unmarshal(op.Value, &to) != nil {
				continue
			}
			from, typ := string(t.Status), sla.EventStatus
			if op.Field == fAssignee {
				from, typ = t.Assignee, sla.EventAssignee
			}
			if from != to {
				out.Append(fEvents, storedEvent{Type: typ, From: from, To: to})
			}
		case op.Op == change.OpSet && op.Field == fPriority:
			var to int
			if json.Unmarshal(op.Value, &to) == nil && to != t.Priority {
				out.Append(fEvents, storedEvent{Type: sla.EventPriority, From: strconv.Itoa(t.Priority), To: strconv.Itoa(to)})
			}
		case op.Op == change.OpAppend && op.Field == fEscalations:
			var e Escalation
			if json.Unmarshal(op.Value, &e) == nil {
				out.Append(fEvents, storedEvent{Type: sla.EventEscalation, From: strconv.Itoa(e.FromTier), To: strconv.Itoa(e.ToTier)})
			}
		case op.Op == change.OpAppend && op.Field == fComments && !responded:
			var c Comment
			if json.Unmarshal(op.Value, &c) == nil && !c.Internal && author != t.Requester.Name {
				out.Append(fEvents, storedEvent{Type: sla.EventResponse})
				responded = true
			}
		}
	}
	return out.List()
}

// Timeline returns the ticket's history as the SLA engine and the reports read it.
// A ticket written before lifecycle events existed gets a timeline from its
// current state: created as it is now, and moved to its current status when last updated.
func (t Ticket) Timeline() sla.Timeline {
	tl := sla.Timeline{Created: t.Created, Priority: t.Priority, Events: make([]sla.Event, 0, len(t.Events))}
	firstPrio, sawStatus := true, false
	if t.Origin != nil {
		tl.Events = append(tl.Events, t.originEvents()...)
		sawStatus = true
		if !t.Origin.Status.Open() && !t.Status.Open() {
			tl.Outcome = cmp.Or(t.Origin.SLA, sla.NotMeasured)
		}
	}
	for _, e := range t.Events {
		if e.Type == sla.EventPriority && firstPrio {
			if p, err := strconv.Atoi(e.From); err == nil {
				tl.Priority = p
			}
			firstPrio = false
		}
		sawStatus = sawStatus || e.Type == sla.EventStatus
		tl.Events = append(tl.Events, sla.Event{At: e.At, Type: e.Type, Value: e.To})
	}
	if !sawStatus && t.Status != StatusNew {
		tl.Events = append(tl.Events, sla.Event{At: t.Updated, Type: sla.EventStatus, Value: string(t.Status)})
	}
	return tl
}
