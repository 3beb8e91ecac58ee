package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/person"
	"outpost/backend/private"
)

// Service reads and writes quality reviews as the person bound to this device.
type Service struct {
	items *private.Items[Content, *Content]
}

// NewService returns a review service on st acting as people's current person;
// now is the wall clock (nil: time.Now).
func NewService(st *store.Store, people *person.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{items: private.New[Content](st, people, now, private.Kind{
		Kind:       Kind,
		Noun:       "review",
		Missing:    func(id string) error { return fmt.Errorf("%w: review %s", ErrNotFound, id) },
		NotAllowed: ErrNotAllowed,
	})}
}

// Add records a review of a ticket resolved by technician techID.
func (s *Service) Add(ctx context.Context, techID string, c Content, share bool) (Review, error) {
	rec, err := s.items.Create(ctx, techID, c, share)
	if err != nil {
		return Review{}, err
	}
	return s.open(rec)
}

// Update replaces a review's content; saving also settles a concurrent edit.
func (s *Service) Update(ctx context.Context, id string, c Content) (Review, error) {
	return s.edit(ctx, id, func(cur *Content, _ *bool) error { *cur = c; return nil })
}

// Share seals the review to the technician as well (true) or to its author only.
func (s *Service) Share(ctx context.Context, id string, shared bool) (Review, error) {
	return s.edit(ctx, id, func(_ *Content, sh *bool) error { *sh = shared; return nil })
}

// Delete marks a review deleted (a tombstone); its sealed history stays sealed.
func (s *Service) Delete(ctx context.Context, id string) error {
	me, err := s.items.Writer()
	if err != nil {
		return err
	}
	return s.items.Delete(ctx, me, id)
}

func (s *Service) edit(ctx context.Context, id string, fn func(cur *Content, shared *bool) error) (Review, error) {
	rec, err := s.items.Edit(ctx, id, fn)
	if err != nil {
		return Review{}, err
	}
	return s.open(rec)
}

// Get returns one review, if this person can read it.
func (s *Service) Get(id string) (Review, error) {
	r, err := s.items.Get(id)
	if err != nil {
		return Review{}, err
	}
	return s.open(r)
}

func (s *Service) open(r change.Record) (Review, error) {
	_, o, err := s.items.Open(r)
	if err != nil {
		return Review{}, err
	}
	return review(r, o), nil
}

// review is record r as its reader sees it.
func review(r change.Record, o private.Opened[Content]) Review {
	f := r.Fields[private.FieldSealed]
	return Review{ID: o.ID, TechnicianID: o.TechnicianID, AuthorID: o.AuthorID, Content: o.Content,
		Average: o.Content.Average(), Shared: o.Shared, Mine: o.Mine, Created: o.Created,
		Updated: f.At.Time(), Conflict: len(f.Conflict) > 0}
}

// List returns the reviews of technician techID ("" for all) this person can
// read, newest first, and how many are sealed to them but damaged. Reviews
// sealed to other people are skipped without a trace.
func (s *Service) List(techID string) ([]Review, int, error) {
	rd, err := s.items.Reader()
	if err != nil {
		return nil, 0, err
	}
	out := []Review{}
	damaged, err := s.items.Each(rd, techID, func(r change.Record, o private.Opened[Content]) {
		out = append(out, review(r, o))
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list reviews: %w", err)
	}
	slices.SortFunc(out, func(a, b Review) int {
		if c := strings.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return b.Created.Compare(a.Created)
	})
	return out, damaged, nil
}

// Trend returns technician techID's monthly averages from the reviews this person can read.
func (s *Service) Trend(techID string) ([]Month, error) {
	list, _, err := s.List(techID)
	if err != nil {
		return nil, err
	}
	return Trend(list), nil
}
