package ticket

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/sla"
)

// fOrigin holds what another help desk recorded of an imported ticket (Origin). It is
// one register, written whole by each import, so two devices importing the same file
// write the same value and agree.
const fOrigin = "origin"

// Origin is where an imported ticket came from and its history there: the old
// system's dates, SLA result, people who are not technicians here, comments and time
// spent. Reports read the ticket's timeline from these dates (see Timeline).
type Origin struct {
	System        string    `json:"system"`   // "glpi", "zammad", ... or "csv"
	SourceID      string    `json:"sourceId"` // the ticket's ID in that system
	Created       time.Time `json:"created,omitzero"`
	FirstResponse time.Time `json:"firstResponse,omitzero"`
	Resolved      time.Time `json:"resolved,omitzero"`
	Closed        time.Time `json:"closed,omitzero"`
	Updated       time.Time `json:"updated,omitzero"`
	// SLA is the result the old system recorded: sla.Met, sla.Breached, or "" (not measured).
	SLA sla.State `json:"sla,omitempty"`
	// Assignee is who had the ticket there when no technician here matches them: a
	// person kept by name, never put in the assignee field.
	Assignee string `json:"assignee,omitempty"`
	Group    string `json:"group,omitempty"`
	// Status and Technician are the status and assignee the import set, where the
	// timeline from the old system ends.
	Status     Status    `json:"status,omitempty"`
	Technician string    `json:"technician,omitempty"`
	Comments   []Comment `json:"comments,omitempty"` // with the old system's authors and times
	WorkLogs   []WorkLog `json:"workLogs,omitempty"`
}

// originBrief reads an origin without its comments: the field of the same name
// hides Origin's from encoding/json, which then only steps over their text.
type originBrief struct {
	Origin
	Comments skipped `json:"comments"`
}

// skipped is a JSON value read and left: encoding/json checks it and keeps nothing.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// Imported is one ticket from another help desk, as an import writes it.
type Imported struct {
	ID     string // derived from (system, source ID): the same source ticket is the same record everywhere
	Number string
	NewTicket
	Status   Status
	Priority int    // the old system's priority, 1..5; 0 computes it from impact and urgency
	Assignee string // a technician's ID, or ""
	Origin   Origin
}

// Import writes an imported ticket: created when it is new, else brought to what the
// source says, writing only the fields that differ (nothing when none do). It reports
// whether it wrote. No lifecycle events are written: the timeline comes from Origin.
func (s *Service) Import(ctx context.Context, author string, in Imported) (bool, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return false, err
	}
	if err := field.Text("assignee", in.Assignee, MaxShort, false, false); err != nil {
		return false, err
	}
	if in.Status == "" {
		in.Status = StatusNew
	}
	if !in.Status.Valid() {
		return false, field.Errorf("status", "unknown status %q", in.Status)
	}
	prio, err := s.matrix().Priority(in.Impact, in.Urgency)
	if err != nil {
		return false, err
	}
	override := in.Priority >= 1 && in.Priority <= 5 && in.Priority != prio
	if override {
		prio = in.Priority
	}
	in.Origin.Status, in.Origin.Technician = in.Status, in.Assignee
	wrote := false
	err = s.update(ctx, author, func(tx *store.Tx) error {
		r, err := tx.Get(Kind, in.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var ops change.Ops
		if r.Deleted() {
			ops.Put(r, change.FieldDeleted, false)
		}
		for _, f := range []struct {
			name string
			v    any
		}{{fNumber, in.Number}, {fTitle, in.Title}, {fDescription, in.Description}, {fRequester, in.Requester},
			{fCategory, in.Category}, {fImpact, in.Impact}, {fUrgency, in.Urgency}, {fPriority, prio},
			{fOverride, override}, {fStatus, in.Status}, {fAssignee, in.Assignee}, {fTier, max(1, r.Int(fTier))},
			{fSource, in.Source}, {fOrigin, in.Origin}} {
			putIfDiff(&ops, r, f.name, f.v)
		}
		if in.RequesterID != "" && r.String(fRequesterID) != in.RequesterID {
			if err := requesterLive(tx, in.RequesterID); err != nil {
				return err
			}
			ops.Put(r, fRequesterID, in.RequesterID)
		}
		if !slices.Equal(sortedCopy(r.Members(fTags)), sortedCopy(in.Tags)) {
			ops.SyncSet(r, fTags, in.Tags)
		}
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			return err
		}
		wrote = true
		_, err = tx.Write(Kind, in.ID, list)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("import ticket: %w", err)
	}
	return wrote, nil
}

// putIfDiff writes v to register name of r unless it already holds v.
func putIfDiff(ops *change.Ops, r change.Record, name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		ops.Put(r, name, v) // keeps the error
		return
	}
	if f, ok := r.Fields[name]; ok && bytes.Equal(f.Value, b) {
		return
	}
	ops.Raw(change.Op{Op: change.OpSet, Field: name, Value: b, Replaces: r.Heads(name)})
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return slices.Compact(c)
}

// readOrigin applies an imported ticket's origin to t: its dates, and the old system's
// comments (unless comments is false) and work logs before any added here. r's
// updated time stands when someone changed the ticket after the import.
func readOrigin(r change.Record, t *Ticket, comments bool) {
	var o Origin
	if comments {
		if ok, _ := r.Get(fOrigin, &o); !ok || o.System == "" {
			return
		}
	} else {
		brief := originBrief{}
		if ok, _ := r.Get(fOrigin, &brief); !ok || brief.System == "" {
			return
		}
		o = brief.Origin
	}
	t.Origin = &o
	if !o.Created.IsZero() {
		t.Created = o.Created
	}
	if !o.Updated.IsZero() && !r.Updated.Time().After(r.Fields[fOrigin].At.Time()) {
		t.Updated = o.Updated
	}
	for i, c := range o.Comments {
		c.ID = fmt.Sprintf("origin.c%d", i+1)
		o.Comments[i] = c
	}
	for i, w := range o.WorkLogs {
		w.ID = fmt.Sprintf("origin.w%d", i+1)
		o.WorkLogs[i] = w
	}
	if len(o.Comments) > 0 {
		t.Comments = append(slices.Clone(o.Comments), t.Comments...)
	}
	if len(o.WorkLogs) > 0 {
		t.WorkLogs = append(slices.Clone(o.WorkLogs), t.WorkLogs...)
	}
}

// originEvents is an imported ticket's timeline in the old system, from its dates:
// the assignee from the first response, the response, the resolution and closure, and
// the status it was exported in when that is neither (a reopen after the resolution,
// or an open status as of the last update).
func (t Ticket) originEvents() []sla.Event {
	o := t.Origin
	var out []sla.Event
	add := func(at time.Time, typ sla.EventType, v string) {
		if !at.IsZero() {
			out = append(out, sla.Event{At: at, Type: typ, Value: v})
		}
	}
	if o.Technician != "" {
		add(firstOf(o.FirstResponse, o.Resolved, o.Created), sla.EventAssignee, o.Technician)
	}
	add(o.FirstResponse, sla.EventResponse, "")
	add(firstOf(o.Resolved, o.Closed), sla.EventStatus, string(StatusResolved)) // closed with no resolution date: resolved then
	add(o.Closed, sla.EventStatus, string(StatusClosed))
	status := o.Status
	switch {
	case status == StatusClosed && o.Closed.IsZero(), status == StatusResolved && o.Resolved.IsZero() && o.Closed.IsZero():
		add(firstOf(o.Updated, o.Resolved, o.Created), sla.EventStatus, string(status))
	case status != StatusNew && status != StatusResolved && status != StatusClosed:
		add(firstOf(o.Updated, o.Resolved, o.FirstResponse, o.Created), sla.EventStatus, string(status))
	}
	slices.SortStableFunc(out, func(a, b sla.Event) int { return a.At.Compare(b.At) })
	return out
}

func firstOf(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
