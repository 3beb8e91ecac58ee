// Package visit implements on-site visits: a technician at a site for a ticket in a
// time window, with a checklist ticked on site (offline, merged without loss), outcome
// notes, derived double-booking and working-hours flags, day and week views, and an
// iCalendar export.
package visit

import (
	"encoding/json"
	"errors"
	"slices"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/schedule"
)

// Kind is the record kind of visits in the store.
const Kind = "visit"

// ErrNotFound reports a visit that does not exist.
var ErrNotFound = errors.New("visit not found")

// Record fields of a visit. The window is one register so that start and end always
// move together. Checklist items are append-only (IDs from their change, so two
// devices adding items never collide); whether an item is done is membership of the
// add-wins set "done": ticking different items on two devices keeps both, and a tick
// concurrent with an untick of the same item stays ticked. Dropped items are an add-wins
// set too. Every tick is also logged (who, when) as an append-only item.
const (
	fTicket     = "ticket"
	fSite       = "site"
	fAddress    = "address"
	fTechnician = "technician"
	fWindow     = "window"
	fStatus     = "status"
	fOutcome    = "outcome"
	fItems      = "items"
	fDone       = "done"
	fDropped    = "dropped"
	fChecks     = "checks"
)

// Status is where a visit stands.
type Status string

// Statuses.
const (
	StatusScheduled  Status = "scheduled"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
	StatusCancelled  Status = "cancelled"
)

var moves = map[Status][]Status{
	StatusScheduled:  {StatusInProgress, StatusDone, StatusCancelled},
	StatusInProgress: {StatusScheduled, StatusDone, StatusCancelled},
	StatusDone:       {StatusInProgress},
	StatusCancelled:  {StatusScheduled},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := moves[s]; return ok }

// CanMoveTo reports whether a visit may go from s to t.
func (s Status) CanMoveTo(t Status) bool { return s == t || slices.Contains(moves[s], t) }

// Window is when the visit happens.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Interval returns the window as a schedule interval.
func (w Window) Interval() schedule.Interval { return schedule.Interval{Start: w.Start, End: w.End} }

// Item is one checklist entry.
type Item struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// Check is one tick or untick, as logged.
type Check struct {
	Item string    `json:"item"`
	Done bool      `json:"done"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Flag is a derived warning about a visit.
type Flag struct {
	Kind    string `json:"kind"` // "double-booked", "outside-hours", "time-off", "unknown-technician"
	Message string `json:"message"`
	Other   string `json:"other,omitempty"` // the visit it clashes with
}

// Visit is a visit as a person sees it.
type Visit struct {
	ID           string    `json:"id"`
	TicketID     string    `json:"ticketId"`
	TicketNumber string    `json:"ticketNumber"` // read from the ticket, not stored here
	TicketTitle  string    `json:"ticketTitle"`
	Site         string    `json:"site"`
	Address      string    `json:"address"`
	Technician   string    `json:"technician"`
	TechName     string    `json:"techName"` // read from the profile
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Status       Status    `json:"status"`
	Outcome      string    `json:"outcome"`
	Checklist    []Item    `json:"checklist"`
	Checks       []Check   `json:"checks"`
	Flags        []Flag    `json:"flags"`
	Created      time.Time `json:"created"`
	CreatedBy    string    `json:"createdBy"`
	Updated      time.Time `json:"updated"`
	Conflicts    []string  `json:"conflicts"`
}

// Window returns the visit's time window.
func (v Visit) Window() Window { return Window{Start: v.Start, End: v.End} }

// FromRecord reads a visit out of its merged record.
func FromRecord(r change.Record) Visit {
	v := Visit{
		ID:         r.ID,
		TicketID:   r.String(fTicket),
		Site:       r.String(fSite),
		Address:    r.String(fAddress),
		Technician: r.String(fTechnician),
		Status:     Status(r.String(fStatus)),
		Outcome:    r.String(fOutcome),
		Created:    r.Created.Time(),
		CreatedBy:  r.CreatedBy,
		Updated:    r.Updated.Time(),
		Checklist:  []Item{},
		Checks:     []Check{},
		Flags:      []Flag{},
		Conflicts:  r.Conflicts(),
	}
	if v.Conflicts == nil {
		v.Conflicts = []string{}
	}
	if !v.Status.Valid() {
		v.Status = StatusScheduled
	}
	var w Window
	if _, err := r.Get(fWindow, &w); err == nil {
		v.Start, v.End = w.Start, w.End
	}
	done, dropped := r.Members(fDone), r.Members(fDropped)
	for _, it := range r.Items[fItems] {
		var text string
		if json.Unmarshal(it.Value, &text) != nil || slices.Contains(dropped, it.ID) {
			continue
		}
		v.Checklist = append(v.Checklist, Item{ID: it.ID, Text: text, Done: slices.Contains(done, it.ID)})
	}
	for _, it := range r.Items[fChecks] {
		var c Check
		if json.Unmarshal(it.Value, &c) == nil {
			c.By, c.At = it.By, it.At.Time()
			v.Checks = append(v.Checks, c)
		}
	}
	return v
}

// hasItem reports whether id names a checklist item of r that was not dropped.
func hasItem(r change.Record, id string) bool {
	if slices.Contains(r.Members(fDropped), id) {
		return false
	}
	return slices.ContainsFunc(r.Items[fItems], func(it change.Item) bool { return it.ID == id })
}
