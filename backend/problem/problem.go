// Package problem implements problem records: the cause behind repeated
// incidents, the tickets linked to it, its root-cause lens, workaround and fix,
// the action it leads to, and whether incidents fell after the fix.
package problem

import (
	"encoding/json"
	"slices"
	"time"

	"outpost/backend/core/change"
)

// Kind is the record kind of problems in the store.
const Kind = "problem"

// Record fields of a problem.
const (
	fTitle         = "title"
	fDescription   = "description"
	fCategory      = "category"
	fTerm          = "term"
	fOrigin        = "origin"
	fLens          = "lens"
	fOwner         = "owner"
	fStatus        = "status"
	fWorkaround    = "workaround"
	fFix           = "fix"
	fFixedAt       = "fixedAt"
	fIncidents     = "incidents"
	fSOP           = "sop"
	fTraining      = "training"
	fChangeRequest = "changeRequest"
	fNotes         = "notes"
)

// Lens is the root-cause lens: what kind of cause the lead believes is behind the incidents.
type Lens string

// Lenses.
const (
	LensUnknown       Lens = "unknown"
	LensTraining      Lens = "training"
	LensDocumentation Lens = "documentation"
	LensSystem        Lens = "system"
	LensVendor        Lens = "vendor"
)

// Valid reports whether l is a known lens.
func (l Lens) Valid() bool {
	switch l {
	case LensUnknown, LensTraining, LensDocumentation, LensSystem, LensVendor:
		return true
	}
	return false
}

// Status is where a problem stands.
type Status string

// Problem statuses.
const (
	StatusOpen          Status = "open"
	StatusInvestigating Status = "investigating"
	StatusKnownError    Status = "known_error" // cause known, workaround in place, fix pending
	StatusResolved      Status = "resolved"
	StatusClosed        Status = "closed"
)

var transitions = map[Status][]Status{
	StatusOpen:          {StatusInvestigating, StatusKnownError, StatusResolved},
	StatusInvestigating: {StatusOpen, StatusKnownError, StatusResolved},
	StatusKnownError:    {StatusInvestigating, StatusResolved},
	StatusResolved:      {StatusClosed, StatusInvestigating},
	StatusClosed:        {StatusInvestigating},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// CanMoveTo reports whether a problem in s may move to to.
func (s Status) CanMoveTo(to Status) bool { return slices.Contains(transitions[s], to) }

// Active reports whether the problem still needs work.
func (s Status) Active() bool { return s != StatusResolved && s != StatusClosed }

// Origin says how the problem was opened.
type Origin string

// Origins.
const (
	OriginTrend   Origin = "trend"   // from a recurring-issue trend (a category or a frequent term)
	OriginTickets Origin = "tickets" // from tickets a person selected
)

// Training is a training item for named technicians, the action a training cause leads to.
type Training struct {
	Item        string   `json:"item"`
	Technicians []string `json:"technicians"`
}

// ChangeRequest asks another team to change something.
type ChangeRequest struct {
	Text   string `json:"text"`
	Team   string `json:"team"`
	Status string `json:"status"` // requested, accepted, done, declined
}

// Change request statuses.
var changeRequestStatuses = []string{"requested", "accepted", "done", "declined"}

// Note is an append-only investigation note.
type Note struct {
	ID     string    `json:"id"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Body   string    `json:"body"`
}

// Problem is a problem record as a person sees it.
type Problem struct {
	ID            string         `json:"id"`
	Title         string         `json:"title"`
	Description   string         `json:"description"`
	Category      string         `json:"category"`
	Term          string         `json:"term"`
	Origin        Origin         `json:"origin"`
	Lens          Lens           `json:"lens"`
	Owner         string         `json:"owner"`
	Status        Status         `json:"status"`
	Workaround    string         `json:"workaround"`
	Fix           string         `json:"fix"`
	FixedAt       *time.Time     `json:"fixedAt"`
	Incidents     []string       `json:"incidents"`
	SOP           string         `json:"sop"`
	Training      *Training      `json:"training"`
	ChangeRequest *ChangeRequest `json:"changeRequest"`
	Notes         []Note         `json:"notes"`
	Created       time.Time      `json:"created"`
	CreatedBy     string         `json:"createdBy"`
	Updated       time.Time      `json:"updated"`
	Conflicts     []string       `json:"conflicts"`
}

// FromRecord reads a problem out of its merged record.
func FromRecord(r change.Record) Problem {
	p := Problem{
		ID:          r.ID,
		Title:       r.String(fTitle),
		Description: r.String(fDescription),
		Category:    r.String(fCategory),
		Term:        r.String(fTerm),
		Origin:      Origin(r.String(fOrigin)),
		Lens:        Lens(r.String(fLens)),
		Owner:       r.String(fOwner),
		Status:      Status(r.String(fStatus)),
		Workaround:  r.String(fWorkaround),
		Fix:         r.String(fFix),
		Incidents:   r.Members(fIncidents),
		SOP:         r.String(fSOP),
		Notes:       []Note{},
		Created:     r.Created.Time(),
		CreatedBy:   r.CreatedBy,
		Updated:     r.Updated.Time(),
		Conflicts:   r.Conflicts(),
	}
	if p.Incidents == nil {
		p.Incidents = []string{}
	}
	if p.Conflicts == nil {
		p.Conflicts = []string{}
	}
	if p.Lens == "" {
		p.Lens = LensUnknown
	}
	if p.Status == "" {
		p.Status = StatusOpen
	}
	var at time.Time
	if ok, err := r.Get(fFixedAt, &at); ok && err == nil && !at.IsZero() {
		p.FixedAt = &at
	}
	var tr Training
	if ok, err := r.Get(fTraining, &tr); ok && err == nil && tr.Item != "" {
		p.Training = &tr
	}
	var cr ChangeRequest
	if ok, err := r.Get(fChangeRequest, &cr); ok && err == nil && cr.Text != "" {
		p.ChangeRequest = &cr
	}
	for _, it := range r.Items[fNotes] {
		var n Note
		if json.Unmarshal(it.Value, &n) == nil {
			n.ID, n.Author, n.At = it.ID, it.By, it.At.Time()
			p.Notes = append(p.Notes, n)
		}
	}
	return p
}
