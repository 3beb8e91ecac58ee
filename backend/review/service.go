package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"outpost/backend/change"
	"outpost/backend/field"
	"outpost/backend/person"
	"outpost/backend/sealed"
	"outpost/backend/store"
)

// Service reads and writes quality reviews as the person bound to this device.
type Service struct {
	st   *store.Store
	priv Privacy
	now  func() time.Time
}

// NewService returns a review service on st acting as people's current person;
// now is the wall clock (nil: time.Now).
func NewService(st *store.Store, people *person.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, priv: Privacy{People: people}, now: now}
}

// Add records a review of a ticket resolved by technician techID.
func (s *Service) Add(ctx context.Context, techID string, c Content, share bool) (Review, error) {
	me, err := s.priv.Writer()
	if err != nil {
		return Review{}, err
	}
	if !change.ValidName(techID) {
		return Review{}, field.Errorf("technicianId", "choose a technician")
	}
	c.Normalize(s.now())
	if err := c.Validate(); err != nil {
		return Review{}, err
	}
	rs, err := s.priv.Readers(me, techID, share)
	if err != nil {
		return Review{}, err
	}
	box, err := sealed.Seal(c, rs)
	if err != nil {
		return Review{}, fmt.Errorf("add review: %w", err)
	}
	var rec change.Record
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		ops := change.Ops{}
		ops.Set(fSubject, techID, nil)
		ops.Set(fAuthor, me.ID, nil)
		ops.Set(fSealed, box, nil)
		list, err := ops.List()
		if err != nil {
			return err
		}
		rec, err = tx.Write(Kind, store.NewID(), list)
		return err
	})
	if err != nil {
		return Review{}, fmt.Errorf("add review: %w", err)
	}
	return s.open(rec)
}

// Update replaces a review's content; saving also settles a concurrent edit.
func (s *Service) Update(ctx context.Context, id string, c Content) (Review, error) {
	return s.edit(ctx, id, func(cur *Content, _ *bool) { *cur = c })
}

// Share seals the review to the technician as well (true) or to its author only.
func (s *Service) Share(ctx context.Context, id string, shared bool) (Review, error) {
	return s.edit(ctx, id, func(_ *Content, sh *bool) { *sh = shared })
}

// Delete marks a review deleted (a tombstone); its sealed history stays sealed.
func (s *Service) Delete(ctx context.Context, id string) error {
	me, err := s.priv.Writer()
	if err != nil {
		return err
	}
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, err := writable(tx, me, id)
		if err != nil {
			return err
		}
		op, err := change.Set(change.FieldDeleted, true, r.Heads(change.FieldDeleted))
		if err != nil {
			return err
		}
		_, err = tx.Write(Kind, id, []change.Op{op})
		return err
	})
	return err
}

func writable(tx *store.Tx, me person.Person, id string) (change.Record, error) {
	r, err := tx.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.Deleted() {
		return r, fmt.Errorf("%w: review %s", ErrNotFound, id)
	}
	if err != nil {
		return r, err
	}
	var box sealed.Box
	if _, err := r.Get(fSealed, &box); err != nil || !box.Has(me.ID) {
		return r, fmt.Errorf("%w: review %s", ErrNotFound, id)
	}
	if r.String(fAuthor) != me.ID {
		return r, ErrNotAllowed
	}
	return r, nil
}

func (s *Service) edit(ctx context.Context, id string, fn func(cur *Content, shared *bool)) (Review, error) {
	me, err := s.priv.Writer()
	if err != nil {
		return Review{}, err
	}
	_, key, err := s.priv.Key()
	if err != nil {
		return Review{}, err
	}
	var rec change.Record
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, err := writable(tx, me, id)
		if err != nil {
			return err
		}
		var box sealed.Box
		if _, err := r.Get(fSealed, &box); err != nil {
			return err
		}
		var cur Content
		if err := box.Open(key, &cur); err != nil {
			return fmt.Errorf("open review %s: %w", id, err)
		}
		shared := IsShared(box, me.ID)
		fn(&cur, &shared)
		cur.Normalize(s.now())
		if err := cur.Validate(); err != nil {
			return err
		}
		rs, err := s.priv.Readers(me, r.String(fSubject), shared)
		if err != nil {
			return err
		}
		next, err := sealed.Seal(cur, rs)
		if err != nil {
			return err
		}
		op, err := change.Set(fSealed, next, r.Heads(fSealed))
		if err != nil {
			return err
		}
		rec, err = tx.Write(Kind, id, []change.Op{op})
		return err
	})
	if err != nil {
		return Review{}, fmt.Errorf("change review: %w", err)
	}
	return s.open(rec)
}

// Get returns one review, if this person can read it.
func (s *Service) Get(id string) (Review, error) {
	r, err := s.st.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.Deleted() {
		return Review{}, fmt.Errorf("%w: review %s", ErrNotFound, id)
	}
	if err != nil {
		return Review{}, err
	}
	return s.open(r)
}

func (s *Service) open(r change.Record) (Review, error) {
	me, key, err := s.priv.Key()
	if err != nil {
		return Review{}, err
	}
	rv, err := openRecord(r, me, key)
	if err != nil {
		return Review{}, fmt.Errorf("%w: review %s", ErrNotFound, r.ID)
	}
	return rv, nil
}

// openRecord decrypts r for me; it fails with sealed.ErrNotReader when the
// current version is not sealed to them.
func openRecord(r change.Record, me person.Person, key age.Identity) (Review, error) {
	var box sealed.Box
	if _, err := r.Get(fSealed, &box); err != nil {
		return Review{}, fmt.Errorf("%w: %v", sealed.ErrDamaged, err)
	}
	if !box.Has(me.ID) {
		return Review{}, sealed.ErrNotReader
	}
	var c Content
	if err := box.Open(key, &c); err != nil {
		return Review{}, err
	}
	f := r.Fields[fSealed]
	rv := Review{ID: r.ID, TechnicianID: r.String(fSubject), AuthorID: r.String(fAuthor), Content: c,
		Average: c.Average(), Shared: IsShared(box, r.String(fAuthor)), Created: r.Created.Time(),
		Updated: f.At.Time(), Conflict: len(f.Conflict) > 0}
	rv.Mine = rv.AuthorID == me.ID
	return rv, nil
}

// List returns the reviews of technician techID ("" for all) this person can
// read, newest first, and how many are sealed to them but damaged. Reviews
// sealed to other people are skipped without a trace.
func (s *Service) List(techID string) ([]Review, int, error) {
	me, key, err := s.priv.Key()
	if err != nil {
		return nil, 0, err
	}
	out := []Review{}
	damaged := 0
	err = s.st.Scan(Kind, func(r change.Record) error {
		if r.Deleted() || techID != "" && r.String(fSubject) != techID {
			return nil
		}
		rv, err := openRecord(r, me, key)
		switch {
		case errors.Is(err, sealed.ErrNotReader):
			return nil // sealed to others: skipped without a trace
		case err != nil:
			damaged++
			return nil
		}
		out = append(out, rv)
		return nil
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
