package sop

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// Errors callers branch on.
var (
	ErrNotFound         = errors.New("SOP not found")
	ErrRevisionNotFound = errors.New("revision not found")
)

// Service performs knowledge-base actions as single durable store transactions.
type Service struct {
	st    *store.Store
	now   func() time.Time
	cache *summaries // nil until KeepSummaries
}

// NewService returns an SOP service on st; now tells the date for review-by checks (nil means time.Now).
func NewService(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// KeepSummaries makes List read summaries kept in memory (refreshed from the
// store's commits) instead of scanning every record; stop ends it.
func (s *Service) KeepSummaries() (stop func()) {
	s.cache = newSummaries(s.st)
	return s.cache.cancel
}

// Today is the local date review-by dates are compared with.
func (s *Service) Today() string { return s.now().Format(DateLayout) }

// Filter selects SOPs in a list. Zero values select every SOP.
type Filter struct {
	Category string `json:"category,omitempty"`
	Tag      string `json:"tag,omitempty"`
	Owner    string `json:"owner,omitempty"`
	Stale    bool   `json:"stale,omitempty"`  // only SOPs past their review-by date
	Forked   bool   `json:"forked,omitempty"` // only SOPs with concurrent saves to merge
	Sort     string `json:"sort,omitempty"`   // "title" (default), "updated", "reviewBy", "resolved"
}

// List returns the summaries of the SOPs matching f.
func (s *Service) List(f Filter) ([]Summary, error) {
	today := s.Today()
	all, err := s.summaries(today)
	if err != nil {
		return nil, fmt.Errorf("list SOPs: %w", err)
	}
	out := []Summary{}
	for _, sp := range all {
		sp.Stale = IsStale(sp.ReviewBy, today)
		switch {
		case f.Category != "" && !strings.EqualFold(sp.Category, f.Category),
			f.Tag != "" && !slices.Contains(sp.Tags, strings.ToLower(f.Tag)),
			f.Owner != "" && !strings.EqualFold(sp.Owner, f.Owner),
			f.Stale && !sp.Stale,
			f.Forked && !sp.Forked:
			continue
		}
		out = append(out, sp)
	}
	slices.SortFunc(out, func(a, b Summary) int {
		var c int
		switch f.Sort {
		case "updated":
			c = b.Updated.Compare(a.Updated)
		case "reviewBy":
			c = cmpDate(a.ReviewBy, b.ReviewBy)
		case "resolved":
			c = cmp.Compare(b.Resolved, a.Resolved)
		}
		if c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// summaries returns every SOP's summary, from memory when KeepSummaries is on.
func (s *Service) summaries(today string) ([]Summary, error) {
	if s.cache != nil {
		return s.cache.all()
	}
	var out []Summary
	err := s.st.Scan(Kind, func(r change.Record) error {
		if !r.Deleted() {
			out = append(out, SummaryFromRecord(r, today))
		}
		return nil
	})
	return out, err
}

// cmpDate orders dates ascending with undated last.
func cmpDate(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return cmp.Compare(a, b)
}

// Stale lists the SOPs past their review-by date, oldest date first; owner "" means every owner.
func (s *Service) Stale(owner string) ([]Summary, error) {
	return s.List(Filter{Owner: owner, Stale: true, Sort: "reviewBy"})
}

// Get returns one SOP.
func (s *Service) Get(id string) (SOP, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return SOP{}, err
	}
	return FromRecord(r, s.Today()), nil
}

// Create writes a new SOP and its first revision as one action.
func (s *Service) Create(ctx context.Context, author string, in NewSOP) (SOP, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return SOP{}, err
	}
	rev, err := revisionOp(revisionValue{Title: in.Title, Body: in.Body, Note: "Created"})
	if err != nil {
		return SOP{}, err
	}
	ops := change.Ops{}
	ops.Set(fCategory, in.Category, nil)
	ops.Set(fOwner, in.Owner, nil)
	ops.Set(fReviewBy, in.ReviewBy, nil)
	for _, t := range in.Tags {
		ops.Add(fTags, t)
	}
	ops.Raw(rev)
	list, err := ops.List()
	if err != nil {
		return SOP{}, err
	}
	var out change.Record
	_, err = s.st.Update(ctx, author, func(tx *store.Tx) error {
		var err error
		out, err = tx.Write(Kind, store.NewID(), list)
		return err
	})
	if err != nil {
		return SOP{}, fmt.Errorf("create SOP: %w", err)
	}
	return FromRecord(out, s.Today()), nil
}

// Save adds a revision whose parents are the revisions the editor started from.
// Naming one head continues the article; naming every head merges a fork. A save
// that changes nothing from its only parent writes nothing.
func (s *Service) Save(ctx context.Context, author, id, title, body string, parents []string, note string) (SOP, error) {
	title, note = strings.TrimSpace(title), strings.TrimSpace(note)
	if err := field.First(validTitle(title), validBody(body), validNote(note)); err != nil {
		return SOP{}, err
	}
	return s.edit(ctx, author, id, func(r change.Record, ops *change.Ops) error {
		revs := revisions(r)
		if err := validParents(parents, revs); err != nil {
			return err
		}
		if len(parents) == 1 {
			p := findRevision(revs, parents[0])
			if p.Title == title && p.Body == body {
				return nil
			}
		}
		if note == "" && len(parents) > 1 {
			note = "Merged " + strings.Join(parents, " and ")
		}
		op, err := revisionOp(revisionValue{Title: title, Body: body, Note: note, Parents: slices.Clone(parents)})
		if err != nil {
			return err
		}
		ops.Raw(op)
		return nil
	})
}

func validParents(parents []string, revs []Revision) error {
	if len(parents) == 0 {
		return field.Errorf("parents", "must name the revision the edit started from")
	}
	if len(parents) > MaxParents {
		return field.Errorf("parents", "names %d revisions; the limit is %d", len(parents), MaxParents)
	}
	seen := map[string]bool{}
	for _, p := range parents {
		if seen[p] {
			return field.Errorf("parents", "names revision %s twice", p)
		}
		seen[p] = true
		if findRevision(revs, p).ID == "" {
			return field.Errorf("parents", "revision %q is not a revision of this SOP", p)
		}
	}
	return nil
}

func findRevision(revs []Revision, id string) Revision {
	for _, r := range revs {
		if r.ID == id {
			return r
		}
	}
	return Revision{}
}

// Restore brings back the title and body of an old revision as a new revision
// over every current head.
func (s *Service) Restore(ctx context.Context, author, id, revision string) (SOP, error) {
	return s.edit(ctx, author, id, func(r change.Record, ops *change.Ops) error {
		revs := revisions(r)
		old := findRevision(revs, revision)
		if old.ID == "" {
			return field.Errorf("revision", "%q is not a revision of this SOP", revision)
		}
		var heads []string
		for _, rv := range revs {
			if rv.Head {
				heads = append(heads, rv.ID)
			}
		}
		if len(heads) == 1 && heads[0] == old.ID {
			return nil
		}
		op, err := revisionOp(revisionValue{Title: old.Title, Body: old.Body, Note: "Restored revision " + old.ID, Parents: heads})
		if err != nil {
			return err
		}
		ops.Raw(op)
		return nil
	})
}

// Update changes the category, tags, owner or review-by date.
func (s *Service) Update(ctx context.Context, author, id string, m Meta) (SOP, error) {
	return s.edit(ctx, author, id, func(r change.Record, ops *change.Ops) error {
		cur := FromRecord(r, "")
		in := NewSOP{Title: cur.Title, Category: cur.Category, Tags: cur.Tags, Owner: cur.Owner, ReviewBy: cur.ReviewBy}
		if m.Category != nil {
			in.Category = *m.Category
		}
		if m.Tags != nil {
			in.Tags = *m.Tags
		}
		if m.Owner != nil {
			in.Owner = *m.Owner
		}
		if m.ReviewBy != nil {
			in.ReviewBy = *m.ReviewBy
		}
		in.normalize()
		if err := field.First(
			field.Text("category", in.Category, MaxShort, false, false),
			field.Text("owner", in.Owner, MaxShort, false, false),
			validDate(in.ReviewBy),
			field.Tags("tags", in.Tags, MaxTags, MaxTag),
		); err != nil {
			return err
		}
		ops.PutIfChanged(r, fCategory, cur.Category, in.Category)
		ops.PutIfChanged(r, fOwner, cur.Owner, in.Owner)
		ops.PutIfChanged(r, fReviewBy, cur.ReviewBy, in.ReviewBy)
		if m.Tags != nil {
			ops.SyncSet(r, fTags, in.Tags)
		}
		return nil
	})
}

// LinkTicket records that the SOP helped resolve a ticket.
func (s *Service) LinkTicket(ctx context.Context, author, id, ticketID string) (SOP, error) {
	t, err := s.st.Get(ticket.Kind, ticketID)
	if record.Gone(t, err) {
		return SOP{}, field.Errorf("ticket", "no ticket %q", ticketID)
	}
	if err != nil {
		return SOP{}, err
	}
	return s.edit(ctx, author, id, func(r change.Record, ops *change.Ops) error {
		if !slices.Contains(r.Members(fTickets), ticketID) {
			ops.Add(fTickets, ticketID)
		}
		return nil
	})
}

// UnlinkTicket removes a ticket from the SOP's resolved list.
func (s *Service) UnlinkTicket(ctx context.Context, author, id, ticketID string) (SOP, error) {
	return s.edit(ctx, author, id, func(r change.Record, ops *change.Ops) error {
		ops.Remove(r, fTickets, ticketID)
		return nil
	})
}

// Delete marks the SOP deleted (a tombstone; its revisions stay in the log).
func (s *Service) Delete(ctx context.Context, author, id string) error {
	_, err := s.edit(ctx, author, id, func(r change.Record, ops *change.Ops) error {
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	return err
}

// Revisions lists the SOP's revisions, newest first, without their bodies.
func (s *Service) Revisions(id string) ([]Revision, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return nil, err
	}
	revs := revisions(r)
	slices.Reverse(revs)
	for i := range revs {
		revs[i].Body = ""
	}
	return revs, nil
}

// Revision returns one revision with its body.
func (s *Service) Revision(id, revision string) (Revision, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Revision{}, err
	}
	rv := findRevision(revisions(r), revision)
	if rv.ID == "" {
		return Revision{}, fmt.Errorf("%w: %s of SOP %s", ErrRevisionNotFound, revision, id)
	}
	return rv, nil
}

// Diff compares two revisions of an SOP line by line.
func (s *Service) Diff(id, from, to string) (Diff, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Diff{}, err
	}
	revs := revisions(r)
	a, b := findRevision(revs, from), findRevision(revs, to)
	if a.ID == "" {
		return Diff{}, field.Errorf("from", "%q is not a revision of this SOP", from)
	}
	if b.ID == "" {
		return Diff{}, field.Errorf("to", "%q is not a revision of this SOP", to)
	}
	return Compare(a, b), nil
}

// Snippets lists the canned responses written inside the SOP's current body.
func (s *Service) Snippets(id string) ([]Snippet, error) {
	sp, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	return Snippets(sp.Body), nil
}

// edit runs fn against the current record inside one transaction and writes the ops it gathers.
func (s *Service) edit(ctx context.Context, author, id string, fn func(change.Record, *change.Ops) error) (SOP, error) {
	out, err := record.Edit(ctx, s.st, author, Kind, id, ErrNotFound, fn)
	if err != nil {
		return SOP{}, err
	}
	return FromRecord(out, s.Today()), nil
}
