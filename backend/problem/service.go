package problem

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// ErrNotFound reports a problem that does not exist (or was deleted).
var ErrNotFound = errors.New("problem not found")

// Limits on problem input.
const (
	MaxTitle     = 200
	MaxShort     = 200
	MaxText      = 20000
	MaxIncidents = 2000 // tickets linked in one action
	MaxTrainees  = 50
)

// Service performs problem actions as single durable store transactions.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// NewService returns a problem service on st; now is the wall clock (nil: time.Now).
func NewService(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// NewProblem is what a lead fills in to open a problem.
type NewProblem struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Category    string   `json:"category"`
	Term        string   `json:"term"`
	Origin      Origin   `json:"origin"`
	Lens        Lens     `json:"lens"`
	Owner       string   `json:"owner"`
	Tickets     []string `json:"tickets"`
}

func (n *NewProblem) normalize() {
	n.Title = strings.TrimSpace(n.Title)
	n.Category = strings.TrimSpace(n.Category)
	n.Term = strings.TrimSpace(n.Term)
	n.Owner = strings.TrimSpace(n.Owner)
	if n.Lens == "" {
		n.Lens = LensUnknown
	}
	if n.Origin == "" {
		n.Origin = OriginTickets
		if len(n.Tickets) == 0 && (n.Category != "" || n.Term != "") {
			n.Origin = OriginTrend
		}
	}
	if n.Title == "" && n.Origin == OriginTrend {
		n.Title = TrendTitle(n.Category, n.Term)
	}
	n.Tickets = dedupe(n.Tickets)
}

// TrendTitle is the title a problem opened from a trend gets unless the lead names it.
func TrendTitle(category, term string) string {
	switch {
	case category != "" && term != "":
		return fmt.Sprintf("Recurring %s issues mentioning %q", category, term)
	case term != "":
		return fmt.Sprintf("Recurring issues mentioning %q", term)
	default:
		return fmt.Sprintf("Recurring %s issues", category)
	}
}

func (n *NewProblem) validate() error {
	if err := field.First(
		field.Text("title", n.Title, MaxTitle, true, false),
		field.Text("description", n.Description, MaxText, false, true),
		field.Text("category", n.Category, MaxShort, false, false),
		field.Text("term", n.Term, MaxShort, false, false),
		field.Text("owner", n.Owner, MaxShort, false, false),
	); err != nil {
		return err
	}
	if n.Origin != OriginTrend && n.Origin != OriginTickets {
		return field.Errorf("origin", "must be trend or tickets, not %q", n.Origin)
	}
	if n.Origin == OriginTrend && n.Category == "" && n.Term == "" {
		return field.Errorf("category", "a problem opened from a trend needs its category or term")
	}
	if n.Origin == OriginTickets && len(n.Tickets) == 0 {
		return field.Errorf("tickets", "select at least one ticket")
	}
	if !n.Lens.Valid() {
		return field.Errorf("lens", "must be training, documentation, system, vendor or unknown, not %q", n.Lens)
	}
	return validTickets(n.Tickets)
}

func validTickets(ids []string) error {
	if len(ids) > MaxIncidents {
		return field.Errorf("tickets", "%d tickets; at most %d can be linked at once", len(ids), MaxIncidents)
	}
	for _, id := range ids {
		if !change.ValidName(id) {
			return field.Errorf("tickets", "%q is not a ticket ID", id)
		}
	}
	return nil
}

// Open records a new problem with its linked incidents.
func (s *Service) Open(ctx context.Context, author string, in NewProblem) (Problem, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Problem{}, err
	}
	id := store.NewID()
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		if err := ticketsExist(tx, in.Tickets); err != nil {
			return err
		}
		ops := change.Ops{}
		ops.Set(fTitle, in.Title, nil)
		ops.Set(fDescription, in.Description, nil)
		ops.Set(fCategory, in.Category, nil)
		ops.Set(fTerm, in.Term, nil)
		ops.Set(fOrigin, in.Origin, nil)
		ops.Set(fLens, in.Lens, nil)
		ops.Set(fOwner, in.Owner, nil)
		ops.Set(fStatus, StatusOpen, nil)
		list, err := ops.List()
		if err != nil {
			return err
		}
		for _, t := range in.Tickets {
			list = append(list, change.Op{Op: change.OpAdd, Field: fIncidents, Elem: t})
		}
		out, err = writeChunked(tx, id, list)
		return err
	})
	if err != nil {
		return Problem{}, fmt.Errorf("open problem: %w", err)
	}
	return FromRecord(out), nil
}

// writeChunked writes ops as one or more changes (a change carries at most
// change.MaxOps operations) inside the same transaction.
func writeChunked(tx *store.Tx, id string, ops []change.Op) (change.Record, error) {
	var rec change.Record
	for len(ops) > 0 {
		n := min(len(ops), change.MaxOps)
		var err error
		if rec, err = tx.Write(Kind, id, ops[:n]); err != nil {
			return rec, err
		}
		ops = ops[n:]
	}
	return rec, nil
}

func ticketsExist(tx *store.Tx, ids []string) error {
	for _, id := range ids {
		r, err := tx.Get(ticket.Kind, id)
		if record.Gone(r, err) {
			return field.Errorf("tickets", "no ticket %q", id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Get returns one problem.
func (s *Service) Get(id string) (Problem, error) {
	rec, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Problem{}, err
	}
	return FromRecord(rec), nil
}

// List returns every problem, active ones first, newest first within each group.
func (s *Service) List() ([]Problem, error) {
	out, err := record.List(s.st, Kind, FromRecord)
	if err != nil {
		return nil, fmt.Errorf("list problems: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := out[i].Status.Active(), out[j].Status.Active(); a != b {
			return a
		}
		return out[i].Created.After(out[j].Created)
	})
	return out, nil
}

// Patch changes some of a problem's fields; nil means unchanged.
type Patch struct {
	Title         *string        `json:"title,omitempty"`
	Description   *string        `json:"description,omitempty"`
	Category      *string        `json:"category,omitempty"`
	Lens          *Lens          `json:"lens,omitempty"`
	Owner         *string        `json:"owner,omitempty"`
	Workaround    *string        `json:"workaround,omitempty"`
	Fix           *string        `json:"fix,omitempty"`
	FixedAt       *time.Time     `json:"fixedAt,omitempty"` // the zero time clears it
	SOP           *string        `json:"sop,omitempty"`
	Training      *Training      `json:"training,omitempty"`      // an empty item clears it
	ChangeRequest *ChangeRequest `json:"changeRequest,omitempty"` // an empty text clears it
}

func (p *Patch) validate() error {
	var errs []error
	text := func(name string, v *string, max int, required, multi bool) {
		if v != nil {
			*v = strings.TrimSpace(*v)
			errs = append(errs, field.Text(name, *v, max, required, multi))
		}
	}
	text("title", p.Title, MaxTitle, true, false)
	text("description", p.Description, MaxText, false, true)
	text("category", p.Category, MaxShort, false, false)
	text("owner", p.Owner, MaxShort, false, false)
	text("workaround", p.Workaround, MaxText, false, true)
	text("fix", p.Fix, MaxText, false, true)
	text("sop", p.SOP, MaxShort, false, false)
	if p.Lens != nil && !p.Lens.Valid() {
		errs = append(errs, field.Errorf("lens", "must be training, documentation, system, vendor or unknown, not %q", *p.Lens))
	}
	if t := p.Training; t != nil {
		t.Item = strings.TrimSpace(t.Item)
		t.Technicians = dedupe(t.Technicians)
		errs = append(errs, field.Relabel(field.Text("training.item", t.Item, MaxText, false, true), "Training item"))
		if t.Item != "" && len(t.Technicians) == 0 {
			errs = append(errs, field.Relabel(field.Errorf("training.technicians", "needs at least one name"), "Technicians to train"))
		}
		if len(t.Technicians) > MaxTrainees {
			errs = append(errs, field.Relabel(field.Errorf("training.technicians", "may name at most %d", MaxTrainees), "Technicians to train"))
		}
		for _, tech := range t.Technicians {
			errs = append(errs, field.Relabel(field.Text("training.technicians", tech, MaxShort, true, false), "Technicians to train"))
		}
	}
	if c := p.ChangeRequest; c != nil {
		c.Text, c.Team, c.Status = strings.TrimSpace(c.Text), strings.TrimSpace(c.Team), strings.TrimSpace(c.Status)
		if c.Text != "" {
			if c.Status == "" {
				c.Status = "requested"
			}
			errs = append(errs,
				field.Relabel(field.Text("changeRequest.text", c.Text, MaxText, true, true), "Change request to another team"),
				field.Relabel(field.Text("changeRequest.team", c.Team, MaxShort, true, false), "Team"))
			if !slices.Contains(changeRequestStatuses, c.Status) {
				errs = append(errs, field.Relabel(field.Errorf("changeRequest.status", "must be one of %s", strings.Join(changeRequestStatuses, ", ")), "Change request status"))
			}
		}
	}
	return field.First(errs...)
}

// Update applies a patch.
func (s *Service) Update(ctx context.Context, author, id string, p Patch) (Problem, error) {
	if err := p.validate(); err != nil {
		return Problem{}, err
	}
	return s.edit(ctx, author, id, func(r change.Record, cur Problem, ops *change.Ops) error {
		put := func(name string, v *string, old string) {
			if v != nil {
				ops.PutIfChanged(r, name, old, *v)
			}
		}
		put(fTitle, p.Title, cur.Title)
		put(fDescription, p.Description, cur.Description)
		put(fCategory, p.Category, cur.Category)
		put(fOwner, p.Owner, cur.Owner)
		put(fWorkaround, p.Workaround, cur.Workaround)
		put(fFix, p.Fix, cur.Fix)
		put(fSOP, p.SOP, cur.SOP)
		if p.Lens != nil {
			ops.PutIfChanged(r, fLens, string(cur.Lens), string(*p.Lens))
		}
		if p.FixedAt != nil {
			ops.Put(r, fFixedAt, p.FixedAt.UTC())
		}
		if p.Training != nil {
			ops.Put(r, fTraining, p.Training)
		}
		if p.ChangeRequest != nil {
			ops.Put(r, fChangeRequest, p.ChangeRequest)
		}
		return nil
	})
}

// SetStatus moves the problem along its lifecycle. Resolving a problem with no
// fix date records now as the fix date, so the before/after counts start there.
func (s *Service) SetStatus(ctx context.Context, author, id string, to Status) (Problem, error) {
	return s.edit(ctx, author, id, func(r change.Record, cur Problem, ops *change.Ops) error {
		if !to.Valid() {
			return field.Errorf("status", "unknown status %q", to)
		}
		if cur.Status == to {
			return nil
		}
		if !cur.Status.CanMoveTo(to) {
			return field.Errorf("status", "a %s problem cannot move to %s", cur.Status, to)
		}
		if to == StatusResolved && strings.TrimSpace(cur.Fix) == "" {
			return field.Errorf("fix", "describe the fix before resolving the problem")
		}
		ops.Put(r, fStatus, to)
		if to == StatusResolved && cur.FixedAt == nil {
			ops.Put(r, fFixedAt, s.now().UTC())
		}
		return nil
	})
}

// Link adds tickets to the problem's incidents (an add-wins set: a concurrent
// unlink elsewhere never removes a link it had not seen).
func (s *Service) Link(ctx context.Context, author, id string, tickets []string) (Problem, error) {
	tickets = dedupe(tickets)
	if len(tickets) == 0 {
		return Problem{}, field.Errorf("tickets", "select at least one ticket")
	}
	if err := validTickets(tickets); err != nil {
		return Problem{}, err
	}
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		if err != nil {
			return err
		}
		if err := ticketsExist(tx, tickets); err != nil {
			return err
		}
		have := r.Members(fIncidents)
		var list []change.Op
		for _, t := range tickets {
			if !slices.Contains(have, t) {
				list = append(list, change.Op{Op: change.OpAdd, Field: fIncidents, Elem: t})
			}
		}
		out = r
		if len(list) > 0 {
			out, err = writeChunked(tx, id, list)
		}
		return err
	})
	if err != nil {
		return Problem{}, fmt.Errorf("link incidents: %w", err)
	}
	return FromRecord(out), nil
}

// Unlink removes a ticket from the problem's incidents.
func (s *Service) Unlink(ctx context.Context, author, id, ticketID string) (Problem, error) {
	return s.edit(ctx, author, id, func(r change.Record, _ Problem, ops *change.Ops) error {
		ops.Remove(r, fIncidents, ticketID)
		return nil
	})
}

// AddNote appends an investigation note.
func (s *Service) AddNote(ctx context.Context, author, id, body string) (Problem, error) {
	return s.edit(ctx, author, id, func(_ change.Record, _ Problem, ops *change.Ops) error {
		if err := field.Text("note", body, MaxText, true, true); err != nil {
			return err
		}
		ops.Append(fNotes, Note{Body: body})
		return nil
	})
}

// Delete marks the problem deleted (a tombstone; its history stays).
func (s *Service) Delete(ctx context.Context, author, id string) error {
	_, err := s.edit(ctx, author, id, func(r change.Record, _ Problem, ops *change.Ops) error {
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	return err
}

// edit runs fn against the current record inside one transaction and writes the ops it gathers.
func (s *Service) edit(ctx context.Context, author, id string, fn func(change.Record, Problem, *change.Ops) error) (Problem, error) {
	out, err := record.Edit(ctx, s.st, author, Kind, id, ErrNotFound, func(r change.Record, ops *change.Ops) error {
		return fn(r, FromRecord(r), ops)
	})
	if err != nil {
		return Problem{}, err
	}
	return FromRecord(out), nil
}

func dedupe(in []string) []string {
	out := []string{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
