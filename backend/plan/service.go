package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"outpost/backend/change"
	"outpost/backend/field"
	"outpost/backend/person"
	"outpost/backend/review"
	"outpost/backend/sealed"
	"outpost/backend/store"
)

// Errors callers branch on (shared with quality reviews).
var (
	ErrNotFound   = review.ErrNotFound
	ErrNotAllowed = review.ErrNotAllowed
)

// Figures returns technician techID's figure m over [from, to); known is false
// when there was nothing to measure. The app supplies it from the reports and
// the quality reviews.
type Figures func(techID string, m Metric, from, to time.Time) (value float64, known bool, err error)

// Plan is an improvement plan as its reader sees it.
type Plan struct {
	ID           string `json:"id"`
	TechnicianID string `json:"technicianId"`
	AuthorID     string `json:"authorId"`
	Content
	Shared     bool      `json:"shared"`
	Mine       bool      `json:"mine"`
	Live       []Figure  `json:"live"` // each goal over the last week, as of now
	Entries    []Entry   `json:"entries"`
	NextReview string    `json:"nextReview"`
	ReviewDue  bool      `json:"reviewDue"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Conflict   bool      `json:"conflict"`
}

// Service reads and writes improvement plans as the person bound to this device.
type Service struct {
	st      *store.Store
	priv    review.Privacy
	figures Figures
	now     func() time.Time
}

// NewService returns a plan service; figures supplies live figures, now the wall clock (nil: time.Now).
func NewService(st *store.Store, people *person.Service, figures Figures, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, priv: review.Privacy{People: people}, figures: figures, now: now}
}

// Create writes a new plan for technician techID.
func (s *Service) Create(ctx context.Context, techID string, c Content, share bool) (Plan, error) {
	me, err := s.priv.Writer()
	if err != nil {
		return Plan{}, err
	}
	if !change.ValidName(techID) {
		return Plan{}, field.Errorf("technicianId", "choose a technician")
	}
	c.Normalize(s.now())
	if err := c.Validate(); err != nil {
		return Plan{}, err
	}
	rs, err := s.priv.Readers(me, techID, share)
	if err != nil {
		return Plan{}, err
	}
	box, err := sealed.Seal(c, rs)
	if err != nil {
		return Plan{}, fmt.Errorf("create plan: %w", err)
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
		return Plan{}, fmt.Errorf("create plan: %w", err)
	}
	return s.open(rec)
}

// Update replaces the plan's content; saving also settles a concurrent edit.
func (s *Service) Update(ctx context.Context, id string, c Content) (Plan, error) {
	return s.edit(ctx, id, func(_ change.Record, cur *Content, _ *bool, _ []sealed.Reader) ([]change.Op, error) {
		*cur = c
		return nil, nil
	})
}

// Share seals the plan to the technician as well (true) or to its author only.
func (s *Service) Share(ctx context.Context, id string, shared bool) (Plan, error) {
	return s.edit(ctx, id, func(_ change.Record, _ *Content, sh *bool, _ []sealed.Reader) ([]change.Op, error) {
		*sh = shared
		return nil, nil
	})
}

// RecordReview appends this week's review: every goal's figure over the week up
// to now, set against its target, with the lead's note. The entry is sealed to
// the same people as the plan.
func (s *Service) RecordReview(ctx context.Context, id, note string) (Plan, error) {
	note = strings.TrimSpace(note)
	if err := field.Text("note", note, MaxText, true, true); err != nil {
		return Plan{}, err
	}
	return s.edit(ctx, id, func(r change.Record, cur *Content, _ *bool, readers []sealed.Reader) ([]change.Op, error) {
		if cur.Status != StatusActive {
			return nil, field.Errorf("status", "the plan is %s; reopen it to review it", cur.Status)
		}
		figs, err := s.live(r.String(fSubject), *cur)
		if err != nil {
			return nil, err
		}
		box, err := sealed.Seal(Entry{Date: s.now().Format(DateLayout), Figures: figs, Note: note}, readers)
		if err != nil {
			return nil, err
		}
		op, err := change.Append(fReviews, box)
		return []change.Op{op}, err
	})
}

// Delete marks a plan deleted (a tombstone).
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
		return r, fmt.Errorf("%w: plan %s", ErrNotFound, id)
	}
	if err != nil {
		return r, err
	}
	var box sealed.Box
	if _, err := r.Get(fSealed, &box); err != nil || !box.Has(me.ID) {
		return r, fmt.Errorf("%w: plan %s", ErrNotFound, id)
	}
	if r.String(fAuthor) != me.ID {
		return r, ErrNotAllowed
	}
	return r, nil
}

// edit opens plan id, lets fn change its content or sharing and add operations,
// and seals the content again when it changed, in one transaction.
func (s *Service) edit(ctx context.Context, id string, fn func(change.Record, *Content, *bool, []sealed.Reader) ([]change.Op, error)) (Plan, error) {
	me, err := s.priv.Writer()
	if err != nil {
		return Plan{}, err
	}
	_, key, err := s.priv.Key()
	if err != nil {
		return Plan{}, err
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
			return fmt.Errorf("open plan %s: %w", id, err)
		}
		before, _ := json.Marshal(cur)
		shared := review.IsShared(box, me.ID)
		wasShared := shared
		rs, err := s.priv.Readers(me, r.String(fSubject), shared)
		if err != nil {
			return err
		}
		extra, err := fn(r, &cur, &shared, rs)
		if err != nil {
			return err
		}
		cur.Normalize(s.now())
		if err := cur.Validate(); err != nil {
			return err
		}
		after, _ := json.Marshal(cur)
		ops := extra
		if string(before) != string(after) || shared != wasShared || len(r.Fields[fSealed].Conflict) > 0 {
			if rs, err = s.priv.Readers(me, r.String(fSubject), shared); err != nil {
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
			ops = append(ops, op)
		}
		if len(ops) == 0 {
			rec = r
			return nil
		}
		rec, err = tx.Write(Kind, id, ops)
		return err
	})
	if err != nil {
		return Plan{}, fmt.Errorf("change plan: %w", err)
	}
	return s.open(rec)
}

// live measures every goal over the week up to now.
func (s *Service) live(techID string, c Content) ([]Figure, error) {
	now := s.now()
	from := now.AddDate(0, 0, -CadenceDays)
	out := []Figure{}
	for _, g := range c.Goals {
		var v float64
		var known bool
		if s.figures != nil {
			var err error
			if v, known, err = s.figures(techID, g.Metric, from, now); err != nil {
				return out, fmt.Errorf("measure %s: %w", g.Metric, err)
			}
		}
		out = append(out, Measure(g, v, known))
	}
	return out, nil
}

// Get returns one plan with its live figures, if this person can read it.
func (s *Service) Get(id string) (Plan, error) {
	r, err := s.st.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.Deleted() {
		return Plan{}, fmt.Errorf("%w: plan %s", ErrNotFound, id)
	}
	if err != nil {
		return Plan{}, err
	}
	return s.open(r)
}

func (s *Service) open(r change.Record) (Plan, error) {
	me, key, err := s.priv.Key()
	if err != nil {
		return Plan{}, err
	}
	p, err := s.openRecord(r, me, key)
	if err != nil {
		return Plan{}, fmt.Errorf("%w: plan %s", ErrNotFound, r.ID)
	}
	return p, nil
}

func (s *Service) openRecord(r change.Record, me person.Person, key age.Identity) (Plan, error) {
	var box sealed.Box
	if _, err := r.Get(fSealed, &box); err != nil {
		return Plan{}, fmt.Errorf("%w: %v", sealed.ErrDamaged, err)
	}
	if !box.Has(me.ID) {
		return Plan{}, sealed.ErrNotReader
	}
	var c Content
	if err := box.Open(key, &c); err != nil {
		return Plan{}, err
	}
	f := r.Fields[fSealed]
	p := Plan{ID: r.ID, TechnicianID: r.String(fSubject), AuthorID: r.String(fAuthor), Content: c,
		Shared: review.IsShared(box, r.String(fAuthor)), Entries: []Entry{}, Created: r.Created.Time(),
		Updated: r.Updated.Time(), Conflict: len(f.Conflict) > 0}
	p.Mine = p.AuthorID == me.ID
	for _, it := range r.Items[fReviews] {
		var eb sealed.Box
		var e Entry
		if json.Unmarshal(it.Value, &eb) != nil || !eb.Has(me.ID) || eb.Open(key, &e) != nil {
			continue
		}
		e.ID, e.By, e.At = it.ID, it.By, it.At.Time()
		p.Entries = append(p.Entries, e)
	}
	slices.SortFunc(p.Entries, func(a, b Entry) int { return a.At.Compare(b.At) })
	p.NextReview = NextReview(c, p.Entries)
	p.ReviewDue = c.Status == StatusActive && p.NextReview <= s.now().Format(DateLayout)
	// A figure that cannot be measured now shows as unknown; reading the plan still works.
	live, err := s.live(p.TechnicianID, c)
	for _, g := range c.Goals[len(live):] {
		live = append(live, Measure(g, 0, false))
	}
	_ = err
	p.Live = live
	return p, nil
}

// List returns the plans this person can read (of technician techID, or all for ""),
// active ones first. Plans sealed to others are skipped without a trace.
func (s *Service) List(techID string) ([]Plan, error) {
	me, key, err := s.priv.Key()
	if err != nil {
		return nil, err
	}
	out := []Plan{}
	err = s.st.Scan(Kind, func(r change.Record) error {
		if r.Deleted() || techID != "" && r.String(fSubject) != techID {
			return nil
		}
		p, err := s.openRecord(r, me, key)
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	slices.SortFunc(out, func(a, b Plan) int {
		if (a.Status == StatusActive) != (b.Status == StatusActive) {
			if a.Status == StatusActive {
				return -1
			}
			return 1
		}
		return strings.Compare(b.Start, a.Start)
	})
	return out, nil
}
