package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/sealed"
	"outpost/backend/core/store"
	"outpost/backend/person"
	"outpost/backend/private"
	"outpost/backend/review"
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
	Shared      bool      `json:"shared"`
	Mine        bool      `json:"mine"`
	Live        []Figure  `json:"live"`                  // each goal over the last week, as of now
	LiveProblem string    `json:"liveProblem,omitempty"` // why some live figures are unknown, when they could not be measured
	Entries     []Entry   `json:"entries"`
	NextReview  string    `json:"nextReview"`
	ReviewDue   bool      `json:"reviewDue"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Conflict    bool      `json:"conflict"`
}

// Service reads and writes improvement plans as the person bound to this device.
type Service struct {
	st      *store.Store
	items   *private.Items[Content, *Content]
	figures Figures
	now     func() time.Time
}

// NewService returns a plan service; figures supplies live figures, now the wall clock (nil: time.Now).
func NewService(st *store.Store, people *person.Service, figures Figures, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	items := private.New[Content](st, people, now, private.Kind{
		Kind:       Kind,
		Noun:       "plan",
		Missing:    func(id string) error { return fmt.Errorf("%w: plan %s", ErrNotFound, id) },
		NotAllowed: ErrNotAllowed,
	})
	return &Service{st: st, items: items, figures: figures, now: now}
}

// Create writes a new plan for technician techID.
func (s *Service) Create(ctx context.Context, techID string, c Content, share bool) (Plan, error) {
	rec, err := s.items.Create(ctx, techID, c, share)
	if err != nil {
		return Plan{}, err
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
		figs, err := s.live(r.String(private.FieldSubject), *cur)
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
	me, err := s.items.Writer()
	if err != nil {
		return err
	}
	return s.items.Delete(ctx, me, id)
}

// edit opens plan id, lets fn change its content or sharing and add operations,
// and seals the content again when it changed, in one transaction.
func (s *Service) edit(ctx context.Context, id string, fn func(change.Record, *Content, *bool, []sealed.Reader) ([]change.Op, error)) (Plan, error) {
	me, err := s.items.Writer()
	if err != nil {
		return Plan{}, err
	}
	rd, err := s.items.Reader()
	if err != nil {
		return Plan{}, err
	}
	var rec change.Record
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, box, err := s.items.Writable(tx, me, id)
		if err != nil {
			return err
		}
		var cur Content
		if err := box.Open(rd.Key, &cur); err != nil {
			return fmt.Errorf("open plan %s: %w", id, err)
		}
		before, _ := json.Marshal(cur)
		shared := private.IsShared(box, me.ID)
		wasShared := shared
		rs, err := s.items.Readers(me, r.String(private.FieldSubject), shared)
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
		if string(before) != string(after) || shared != wasShared || len(r.Fields[private.FieldSealed].Conflict) > 0 {
			op, err := s.items.Reseal(me, r, cur, shared)
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
	r, err := s.items.Get(id)
	if err != nil {
		return Plan{}, err
	}
	return s.open(r)
}

func (s *Service) open(r change.Record) (Plan, error) {
	rd, o, err := s.items.Open(r)
	if err != nil {
		return Plan{}, err
	}
	return s.plan(rd, r, o), nil
}

// plan is record r as reader rd sees it: the review entries they can read, and
// every goal's live figure.
func (s *Service) plan(rd private.Reader, r change.Record, o private.Opened[Content]) Plan {
	c := o.Content
	p := Plan{ID: o.ID, TechnicianID: o.TechnicianID, AuthorID: o.AuthorID, Content: c, Shared: o.Shared, Mine: o.Mine,
		Entries: []Entry{}, Created: o.Created, Updated: r.Updated.Time(), Conflict: len(r.Fields[private.FieldSealed].Conflict) > 0}
	for _, it := range r.Items[fReviews] {
		var e Entry
		if !rd.OpenRaw(it.Value, &e) {
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
	if err != nil {
		p.LiveProblem = "some live figures could not be measured now; they show as unknown"
	}
	p.Live = live
	return p
}

// List returns the plans this person can read (of technician techID, or all for ""),
// active ones first. Plans sealed to others are skipped without a trace.
func (s *Service) List(techID string) ([]Plan, error) {
	rd, err := s.items.Reader()
	if err != nil {
		return nil, err
	}
	out := []Plan{}
	_, err = s.items.Each(rd, techID, func(r change.Record, o private.Opened[Content]) {
		out = append(out, s.plan(rd, r, o))
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
