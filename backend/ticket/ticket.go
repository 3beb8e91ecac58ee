// Package ticket implements the help-desk ticket: its fields, lifecycle,
// priority matrix, validation, and the actions people take on it.
package ticket

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/change"
)

// Kind is the record kind of tickets in the store.
const Kind = "ticket"

// Record fields of a ticket.
const (
	fNumber      = "number"
	fTitle       = "title"
	fDescription = "description"
	fRequester   = "requester"
	fRequesterID = "requesterId"
	fCategory    = "category"
	fImpact      = "impact"
	fUrgency     = "urgency"
	fPriority    = "priority"
	fOverride    = "priorityOverride"
	fStatus      = "status"
	fAssignee    = "assignee"
	fTier        = "tier"
	fSource      = "source"
	fTags        = "tags"
	fLinks       = "links"
	fComments    = "comments"
	fWorkLogs    = "worklogs"
	fEscalations = "escalations"
)

// Requester is who asked for help.
type Requester struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Site    string `json:"site"`
}

// Summary is what the queue shows of a ticket.
type Summary struct {
	ID       string    `json:"id"`
	Number   string    `json:"number"`
	Title    string    `json:"title"`
	Status   Status    `json:"status"`
	Priority int       `json:"priority"`
	Impact   Level     `json:"impact"`
	Urgency  Level     `json:"urgency"`
	Category string    `json:"category"`
	Assignee string    `json:"assignee"`
	Assigned time.Time `json:"assigned"` // when the current assignee got the ticket (zero when unassigned)
	Tier     int       `json:"tier"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Tags     []string  `json:"tags"`
	Conflict bool      `json:"conflict"`
	Files    int       `json:"files,omitempty"` // attachments, for the paperclip in the queue
	Source   Source    `json:"source"`          // how the request came in (the queue marks mail)
}

// Ticket is the whole ticket as a person sees it.
type Ticket struct {
	Summary
	Description        string       `json:"description"`
	Requester          Requester    `json:"requester"`        // as typed on the ticket: kept for display and older tickets
	RequesterID        string       `json:"requesterId"`      // the requester directory's record (backend/requester), or ""
	Rating             int          `json:"rating,omitempty"` // the requester's satisfaction, 1-5 (0: none given)
	PriorityOverride   bool         `json:"priorityOverride"`
	CreatedBy          string       `json:"createdBy"`
	Comments           []Comment    `json:"comments"`
	WorkLogs           []WorkLog    `json:"workLogs"`
	Escalations        []Escalation `json:"escalations"`
	Events             []Event      `json:"events"` // lifecycle steps, oldest first (see timeline.go)
	Links              []Link       `json:"links"`
	Conflicts          []Conflict   `json:"conflicts"`
	AllowedTransitions []Status     `json:"allowedTransitions"`
	Origin             *Origin      `json:"origin,omitempty"`         // an imported ticket's source and history there
	Resolution         string       `json:"resolution,omitempty"`     // the resolution code it was last resolved with
	ResolutionNote     string       `json:"resolutionNote,omitempty"` // what fixed it
	MergedInto         string       `json:"mergedInto,omitempty"`     // the ticket this one was merged into
	MergedFrom         []string     `json:"mergedFrom"`               // tickets merged into this one
	OtherRequesters    []Requester  `json:"otherRequesters"`          // requesters of merged tickets
}

// Comment is a note on a ticket; internal ones are not meant for the requester.
type Comment struct {
	ID       string    `json:"id"`
	Author   string    `json:"author"`
	At       time.Time `json:"at"`
	Body     string    `json:"body"`
	Internal bool      `json:"internal"`
	Moved
}

// WorkLog is time spent on a ticket.
type WorkLog struct {
	ID      string    `json:"id"`
	Author  string    `json:"author"`
	At      time.Time `json:"at"`
	Minutes int       `json:"minutes"`
	Note    string    `json:"note"`
	Moved
}

// Escalation records a move up the tiers and what was handed over.
type Escalation struct {
	ID        string          `json:"id"`
	By        string          `json:"by"`
	At        time.Time       `json:"at"`
	FromTier  int             `json:"fromTier"`
	ToTier    int             `json:"toTier"`
	To        string          `json:"to"`
	Reason    string          `json:"reason"`
	Handover  string          `json:"handover"`
	Checklist map[string]bool `json:"checklist,omitempty"` // escalation-path items confirmed
}

// LinkType names how two tickets relate.
type LinkType string

// Link types.
const (
	LinkDuplicateOf LinkType = "duplicate-of"
	LinkRelated     LinkType = "related"
	LinkParent      LinkType = "parent"
	LinkChild       LinkType = "child"
)

// Link points at another ticket.
type Link struct {
	Type   LinkType `json:"type"`
	Target string   `json:"target"`
}

// ConflictValue is one of the concurrent values of a field.
type ConflictValue struct {
	Value  json.RawMessage `json:"value" ts_type:"unknown"`
	Author string          `json:"author"`
	At     time.Time       `json:"at"`
	Write  string          `json:"write"`
}

// Conflict is a field two people changed at the same time; Values[0] is the provisional winner.
type Conflict struct {
	Field  string          `json:"field"`
	Values []ConflictValue `json:"values"`
}

// FromRecord reads a ticket out of its merged record.
func FromRecord(r change.Record) Ticket { return fromRecord(r, true) }

// Brief is the ticket as a list reads it: FromRecord without comments and
// escalations, neither those added here nor the old system's. Decoding them is most
// of the work of reading a ticket, and a list shows no comment text; the summary,
// timeline and work logs are the same as FromRecord's.
func Brief(r change.Record) Ticket {
	if len(r.Items) > 0 {
		items := make(map[string][]change.Item, len(r.Items))
		for k, v := range r.Items {
			if k != fComments && k != fEscalations {
				items[k] = v
			}
		}
		r.Items = items
	}
	return fromRecord(r, false)
}

func fromRecord(r change.Record, comments bool) Ticket {
	t := Ticket{
		Summary: Summary{
			ID:       r.ID,
			Number:   r.String(fNumber),
			Title:    r.String(fTitle),
			Status:   effectiveStatus(r),
			Priority: r.Int(fPriority),
			Impact:   Level(r.String(fImpact)),
			Urgency:  Level(r.String(fUrgency)),
			Category: r.String(fCategory),
			Assignee: r.String(fAssignee),
			Tier:     r.Int(fTier),
			Created:  r.Created.Time(),
			Updated:  r.Updated.Time(),
			Tags:     nonNil(r.Members(fTags)),
			Conflict: len(r.Conflicts()) > 0,
			Files:    attach.Count(r),
			Source:   Source(r.String(fSource)),
		},
		Description:      r.String(fDescription),
		PriorityOverride: r.Bool(fOverride),
		Rating:           r.Int(fRating),
		CreatedBy:        r.CreatedBy,
		Comments:         []Comment{},
		WorkLogs:         []WorkLog{},
		Escalations:      []Escalation{},
		Links:            []Link{},
		Conflicts:        []Conflict{},
	}
	_, _ = r.Get(fRequester, &t.Requester)
	t.RequesterID = r.String(fRequesterID)
	for _, it := range r.Items[fComments] {
		var c Comment
		if json.Unmarshal(it.Value, &c) == nil {
			c.ID, c.Author, c.At = it.ID, it.By, it.At.Time()
			c.restore(&c.Author, &c.At)
			t.Comments = append(t.Comments, c)
		}
	}
	for _, it := range r.Items[fWorkLogs] {
		var w WorkLog
		if json.Unmarshal(it.Value, &w) == nil {
			w.ID, w.Author, w.At = it.ID, it.By, it.At.Time()
			w.restore(&w.Author, &w.At)
			t.WorkLogs = append(t.WorkLogs, w)
		}
	}
	for _, it := range r.Items[fEscalations] {
		var e Escalation
		if json.Unmarshal(it.Value, &e) == nil {
			e.ID, e.By, e.At = it.ID, it.By, it.At.Time()
			t.Escalations = append(t.Escalations, e)
		}
	}
	for _, m := range r.Members(fLinks) {
		typ, target, ok := strings.Cut(m, ":")
		if ok {
			t.Links = append(t.Links, Link{Type: LinkType(typ), Target: target})
		}
	}
	for _, name := range r.Conflicts() {
		f := r.Fields[name]
		c := Conflict{Field: name}
		for _, w := range append([]change.Write{f.Write}, f.Conflict...) {
			c.Values = append(c.Values, ConflictValue{Value: w.Value, Author: w.By, At: w.At.Time(), Write: w.ID.String()})
		}
		t.Conflicts = append(t.Conflicts, c)
	}
	if t.Assignee != "" {
		// The clock's logical counter as nanoseconds: two assignments in one millisecond
		// keep their order (round-robin continues from the latest).
		at := r.Fields[fAssignee].At
		t.Assigned = at.Time().Add(time.Duration(at.Logical()))
	}
	t.Events = readEvents(r)
	readOrigin(r, &t, comments)
	readMerge(r, &t)
	t.Resolution, t.ResolutionNote = r.String(fResolution), r.String(fResolutionNote)
	t.AllowedTransitions = t.Status.Next()
	return t
}

// effectiveStatus applies the domain rule on concurrent status edits: a ticket
// closed on one device is not reopened by a concurrent "in progress" elsewhere;
// it stays closed, and the conflict stays flagged for a person to settle.
func effectiveStatus(r change.Record) Status {
	s := Status(r.String(fStatus))
	f := r.Fields[fStatus]
	for _, w := range f.Conflict {
		var other Status
		if json.Unmarshal(w.Value, &other) == nil && other == StatusClosed {
			return StatusClosed
		}
	}
	if s == "" {
		return StatusNew
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clip(s)
}
