package escalation

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/slug"
	"outpost/backend/ticket"
)

// ErrNotFound reports a category with no escalation path.
var ErrNotFound = errors.New("no escalation path for this category")

// Limits on path input.
const (
	MaxShort       = 200
	MaxItems       = 30
	MaxTechnicians = 20
	MaxHours       = 24 * 90
)

// Service keeps escalation paths, one durable store transaction per action.
type Service struct{ st *store.Store }

// NewService returns a path service on st.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// Input is a path as a lead edits it; item IDs are derived from their text when empty.
type Input struct {
	Category  string `json:"category"`
	Tier2     Target `json:"tier2"`
	Tier3     Target `json:"tier3"`
	External  Target `json:"external"`
	Rules     Rules  `json:"rules"`
	Checklist []Item `json:"checklist"`
}

func (in *Input) normalize() {
	in.Category = strings.TrimSpace(in.Category)
	for _, t := range []*Target{&in.Tier2, &in.Tier3, &in.External} {
		t.Contact = strings.TrimSpace(t.Contact)
		var techs []string
		for _, x := range t.Technicians {
			if x = strings.TrimSpace(x); x != "" && !contains(techs, x) {
				techs = append(techs, x)
			}
		}
		t.Technicians = techs
		if t.Technicians == nil {
			t.Technicians = []string{}
		}
	}
	var items []Item
	used := map[string]bool{}
	for _, it := range in.Checklist {
		it.Text = strings.TrimSpace(it.Text)
		if it.Text == "" {
			continue
		}
		it.ID = strings.TrimSpace(it.ID)
		if it.ID == "" {
			it.ID = slug.From(it.Text)
		}
		it.ID = slug.Unique(it.ID, used)
		items = append(items, it)
	}
	in.Checklist = items
	if in.Checklist == nil {
		in.Checklist = []Item{}
	}
}

func (in *Input) validate() error {
	if err := field.Text("category", in.Category, MaxShort, true, false); err != nil {
		return field.Relabel(err, "Ticket category")
	}
	for _, t := range []struct {
		name, label string
		Target
	}{{"tier2", "Tier 2", in.Tier2}, {"tier3", "Tier 3", in.Tier3}, {"external", "External", in.External}} {
		if len(t.Technicians) > MaxTechnicians {
			return field.Relabel(field.Errorf(t.name+".technicians", "may list at most %d", MaxTechnicians), t.label+" technicians")
		}
		for _, x := range t.Technicians {
			if err := field.Text(t.name+".technicians", x, MaxShort, true, false); err != nil {
				return field.Relabel(err, t.label+" technicians")
			}
		}
		if err := field.Text(t.name+".contact", t.Contact, MaxShort, false, false); err != nil {
			return field.Relabel(err, t.label+" team or contact")
		}
	}
	r := in.Rules
	switch {
	case r.SLARiskAtLeast < 0 || r.SLARiskAtLeast > 1:
		// The form asks for a percentage of the target and sends it as a share.
		return field.Relabel(field.Errorf("rules.slaRiskAtLeast", "must be from 0 to 100%%; 0 turns the rule off"), "SLA resolution target used")
	case r.PriorityAtMost < 0 || r.PriorityAtMost > 5:
		return field.Relabel(field.Errorf("rules.priorityAtMost", "must be 1 to 5, or 0 to turn the rule off"), "Priority")
	case r.HoursInTierOver < 0 || r.HoursInTierOver > MaxHours:
		return field.Relabel(field.Errorf("rules.hoursInTierOver", "must be from 0 to %d hours; 0 turns the rule off", MaxHours), "Hours in the current tier")
	}
	if len(in.Checklist) > MaxItems {
		return field.Errorf("checklist", "has %d items; the limit is %d", len(in.Checklist), MaxItems)
	}
	for _, it := range in.Checklist {
		if err := field.Text("checklist", it.Text, MaxShort, true, false); err != nil {
			return err
		}
		if !change.ValidName(it.ID) {
			return field.Errorf("checklist", "item ID %q may hold only letters, digits, dots, dashes and underscores", it.ID)
		}
	}
	return nil
}

// Save creates or replaces the path of in.Category. Only the parts that changed
// are written, so two leads editing different parts offline both keep their edits.
func (s *Service) Save(ctx context.Context, author string, in Input) (Path, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Path{}, err
	}
	id := PathID(in.Category)
	out, err := record.Upsert(ctx, s.st, author, Kind, id, func(r change.Record, ops *change.Ops) error {
		record.PutChanged(ops, r, fCategory, in.Category)
		record.PutChanged(ops, r, fTier2, in.Tier2)
		record.PutChanged(ops, r, fTier3, in.Tier3)
		record.PutChanged(ops, r, fExternal, in.External)
		record.PutChanged(ops, r, fRules, in.Rules)
		record.PutChanged(ops, r, fChecklist, in.Checklist)
		return nil
	})
	if err != nil {
		return Path{}, fmt.Errorf("save escalation path: %w", err)
	}
	return FromRecord(out), nil
}

// Get returns the path of category, or ErrNotFound.
func (s *Service) Get(category string) (Path, error) {
	r, err := s.st.Get(Kind, PathID(category))
	if record.Gone(r, err) {
		return Path{}, fmt.Errorf("%w: %q", ErrNotFound, category)
	}
	if err != nil {
		return Path{}, err
	}
	return FromRecord(r), nil
}

// List returns every path, by category.
func (s *Service) List() ([]Path, error) {
	out, err := record.List(s.st, Kind, FromRecord)
	if err != nil {
		return nil, fmt.Errorf("list escalation paths: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Category) < strings.ToLower(out[j].Category) })
	return out, nil
}

// Delete removes the path of category (a tombstone).
func (s *Service) Delete(ctx context.Context, author, category string) error {
	id := PathID(category)
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := tx.Get(Kind, id)
		if record.Gone(r, err) {
			return fmt.Errorf("%w: %q", ErrNotFound, category)
		}
		if err != nil {
			return err
		}
		ops := &change.Ops{}
		ops.Put(r, change.FieldDeleted, true)
		list, err := ops.List()
		if err != nil {
			return err
		}
		_, err = tx.Write(Kind, id, list)
		return err
	})
	return err
}

// Guard is the check the ticket service runs before every escalation: when the
// ticket's category has a path, every required checklist item must be confirmed.
func (s *Service) Guard(t ticket.Ticket, in ticket.EscalateInput) error {
	if len(in.Checklist) > MaxItems {
		return field.Errorf("checklist", "confirms %d items; a checklist has at most %d", len(in.Checklist), MaxItems)
	}
	for id := range in.Checklist {
		if !change.ValidName(id) {
			return field.Errorf("checklist", "%q is not a checklist item ID", id)
		}
	}
	if strings.TrimSpace(t.Category) == "" {
		return nil
	}
	p, err := s.Get(t.Category)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read escalation path: %w", err)
	}
	return Check(p, in.Checklist)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
