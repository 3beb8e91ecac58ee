// Package sop implements the knowledge base: standard operating procedures
// written in markdown, with revisions that fork when two devices save offline
// and merge when a person saves over both heads, review-by dates, links to the
// tickets an SOP helped resolve, and canned responses kept inside SOPs.
package sop

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
)

// Kind is the record kind of SOPs in the store.
const Kind = "sop"

// Record fields of an SOP. The title and body live in the revisions.
const (
	fCategory  = "category"
	fOwner     = "owner"
	fReviewBy  = "reviewBy"
	fTags      = "tags"
	fTickets   = "tickets"   // add-wins set of ticket IDs this SOP helped resolve
	fRevisions = "revisions" // append-only revisions
)

// DateLayout is how review-by dates are written.
const DateLayout = "2006-01-02"

// Summary is what a list of SOPs shows.
type Summary struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Category string    `json:"category"`
	Tags     []string  `json:"tags"`
	Owner    string    `json:"owner"`
	ReviewBy string    `json:"reviewBy"` // YYYY-MM-DD, or "" for no review date
	Stale    bool      `json:"stale"`    // the review-by date has passed
	Forked   bool      `json:"forked"`   // concurrent saves left more than one head
	Resolved int       `json:"resolved"` // tickets linked as resolved with this SOP
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Conflict bool      `json:"conflict"` // a field was edited concurrently
}

// SOP is the whole article as a person reads and edits it. Title and Body are
// those of Current, the newest head; when Heads holds more than one revision,
// the article has forked and the editor offers to merge them.
type SOP struct {
	Summary
	Body      string     `json:"body"`
	Current   string     `json:"current"` // revision ID the title and body come from
	Heads     []Revision `json:"heads"`   // revisions no other revision names as a parent, newest first
	Revisions int        `json:"revisions"`
	Tickets   []string   `json:"tickets"` // IDs of tickets resolved with this SOP
	CreatedBy string     `json:"createdBy"`
	Conflicts []string   `json:"conflicts"` // fields edited concurrently
}

// Revision is one saved version of an SOP. Body is empty in lists of revisions.
type Revision struct {
	ID      string    `json:"id"`
	Parents []string  `json:"parents"`
	Title   string    `json:"title"`
	Body    string    `json:"body,omitempty"`
	Note    string    `json:"note"` // the author's summary of the change
	Author  string    `json:"author"`
	At      time.Time `json:"at"`
	Head    bool      `json:"head"`
	Size    int       `json:"size"` // body length in bytes

	stamp hlc.Timestamp // orders revisions the same way on every replica
}

// revisionValue is what a revision item stores.
type revisionValue struct {
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Note    string   `json:"note,omitempty"`
	Parents []string `json:"parents,omitempty"`
}

// revisions reads every revision of r, oldest first, with heads marked.
func revisions(r change.Record) []Revision { return readRevisions(r, true) }

// revisionMeta is a revision without its body: what a summary needs, decoded
// without allocating every body of every revision.
type revisionMeta struct {
	Title   string   `json:"title"`
	Note    string   `json:"note,omitempty"`
	Parents []string `json:"parents,omitempty"`
}

func readRevisions(r change.Record, bodies bool) []Revision {
	items := r.Items[fRevisions]
	out := make([]Revision, 0, len(items))
	named := map[string]bool{}
	for _, it := range items {
		var v revisionValue
		var err error
		if bodies {
			err = json.Unmarshal(it.Value, &v)
		} else {
			var m revisionMeta
			err = json.Unmarshal(it.Value, &m)
			v = revisionValue{Title: m.Title, Note: m.Note, Parents: m.Parents}
		}
		if err != nil {
			continue
		}
		for _, p := range v.Parents {
			named[p] = true
		}
		out = append(out, Revision{ID: it.ID, Parents: nonNil(v.Parents), Title: v.Title, Body: v.Body, Note: v.Note,
			Author: it.By, At: it.At.Time(), Size: len(v.Body), stamp: it.At})
	}
	for i := range out {
		out[i].Head = !named[out[i].ID]
	}
	slices.SortFunc(out, func(a, b Revision) int {
		if c := cmp.Compare(a.stamp, b.stamp); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// FromRecord reads an SOP out of its merged record; today decides whether it is stale.
func FromRecord(r change.Record, today string) SOP { return fromRecord(r, today, true) }

// SummaryFromRecord reads what a list shows of an SOP, without decoding revision bodies.
func SummaryFromRecord(r change.Record, today string) Summary {
	return fromRecord(r, today, false).Summary
}

func fromRecord(r change.Record, today string, bodies bool) SOP {
	s := SOP{
		Summary: Summary{
			ID:       r.ID,
			Category: r.String(fCategory),
			Tags:     nonNil(r.Members(fTags)),
			Owner:    r.String(fOwner),
			ReviewBy: r.String(fReviewBy),
			Created:  r.Created.Time(),
			Updated:  r.Updated.Time(),
		},
		Heads:     []Revision{},
		Tickets:   nonNil(r.Members(fTickets)),
		CreatedBy: r.CreatedBy,
		Conflicts: nonNil(r.Conflicts()),
	}
	s.Stale = IsStale(s.ReviewBy, today)
	s.Resolved = len(s.Tickets)
	s.Conflict = len(s.Conflicts) > 0
	revs := readRevisions(r, bodies)
	s.Revisions = len(revs)
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Head {
			h := revs[i]
			if len(s.Heads) == 0 {
				s.Current, s.Title, s.Body = h.ID, h.Title, h.Body
			}
			h.Body = ""
			s.Heads = append(s.Heads, h)
		}
	}
	s.Forked = len(s.Heads) > 1
	return s
}

// IsStale reports whether a review-by date lies before today (both YYYY-MM-DD).
func IsStale(reviewBy, today string) bool { return reviewBy != "" && reviewBy < today }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
