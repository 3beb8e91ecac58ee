package onboarding

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
)

// ErrNotFound reports a checklist that does not exist (or was deleted).
var ErrNotFound = errors.New("onboarding checklist not found")

// Roles that have a checklist.
var roles = []string{"technician", "lead", "coordinator"}

// Roles lists the roles a checklist template exists for; the slice is the caller's own.
func Roles() []string { return slices.Clone(roles) }

// Service keeps templates and checklists, one durable store transaction per action.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// NewService returns an onboarding service on st; now is the wall clock (nil: time.Now).
func NewService(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

func validRole(role string) error {
	for _, r := range roles {
		if r == role {
			return nil
		}
	}
	return field.Errorf("role", "must be technician, lead or coordinator, not %q", role)
}

// Template returns the team's checklist for role: the one the team saved, or the built-in default.
func (s *Service) Template(role string) (Template, error) {
	if err := validRole(role); err != nil {
		return Template{}, err
	}
	r, err := s.st.Get(KindTemplate, TemplateID(role))
	if record.Gone(r, err) {
		return Defaults(role), nil
	}
	if err != nil {
		return Template{}, err
	}
	t := Template{Role: role}
	if _, err := r.Get(fItems, &t.Items); err != nil {
		return Template{}, err
	}
	return t, nil
}

// Templates returns the checklist of every role.
func (s *Service) Templates() ([]Template, error) {
	var out []Template
	for _, role := range roles {
		t, err := s.Template(role)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// SaveTemplate replaces role's checklist; checklists already started keep theirs.
func (s *Service) SaveTemplate(ctx context.Context, author, role string, items []TemplateItem) (Template, error) {
	if err := validRole(role); err != nil {
		return Template{}, err
	}
	items = normalizeItems(items)
	if err := validateItems("items", items); err != nil {
		return Template{}, err
	}
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := tx.Get(KindTemplate, TemplateID(role))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		ops := &change.Ops{}
		ops.Put(r, fRole, role)
		ops.Put(r, fItems, items)
		if r.Deleted() {
			ops.Put(r, change.FieldDeleted, false)
		}
		list, err := ops.List()
		if err != nil {
			return err
		}
		_, err = tx.Write(KindTemplate, TemplateID(role), list)
		return err
	})
	if err != nil {
		return Template{}, fmt.Errorf("save onboarding template: %w", err)
	}
	return Template{Role: role, Items: items}, nil
}

// StartInput names the new team member.
type StartInput struct {
	Technician string `json:"technician"` // technician profile ID, if there is one yet
	Name       string `json:"name"`
	Role       string `json:"role"`
	Start      string `json:"start"` // YYYY-MM-DD; "" means today
}

// Start instantiates the role's template for a new team member.
func (s *Service) Start(ctx context.Context, author string, in StartInput) (Checklist, error) {
	in.Technician, in.Name, in.Role, in.Start = strings.TrimSpace(in.Technician), strings.TrimSpace(in.Name),
		strings.TrimSpace(in.Role), strings.TrimSpace(in.Start)
	if in.Role == "" {
		in.Role = "technician"
	}
	if in.Start == "" {
		in.Start = s.now().Format("2006-01-02")
	}
	if err := field.First(
		field.Text("name", in.Name, 100, true, false),
		field.Text("technician", in.Technician, 100, false, false),
		validRole(in.Role),
	); err != nil {
		return Checklist{}, err
	}
	if _, err := time.Parse("2006-01-02", in.Start); err != nil {
		return Checklist{}, field.Errorf("start", "%q is not a date (YYYY-MM-DD)", in.Start)
	}
	tmpl, err := s.Template(in.Role)
	if err != nil {
		return Checklist{}, err
	}
	var out change.Record
	_, err = s.st.Update(ctx, author, func(tx *store.Tx) error {
		ops := &change.Ops{}
		ops.Set(fTechnician, in.Technician, nil)
		ops.Set(fName, in.Name, nil)
		ops.Set(fRole, in.Role, nil)
		ops.Set(fStart, in.Start, nil)
		ops.Set(fItems, tmpl.Items, nil)
		list, err := ops.List()
		if err != nil {
			return err
		}
		out, err = tx.Write(Kind, store.NewID(), list)
		return err
	})
	if err != nil {
		return Checklist{}, fmt.Errorf("start onboarding: %w", err)
	}
	return FromRecord(out), nil
}

// Tick sets one item's state. Each item is its own register: ticks of different
// items on different devices all survive the merge.
func (s *Service) Tick(ctx context.Context, author, id, itemID string, done bool, note string) (Checklist, error) {
	note = strings.TrimSpace(note)
	if err := field.Text("note", note, MaxText, false, true); err != nil {
		return Checklist{}, err
	}
	return s.edit(ctx, author, id, func(r change.Record, c Checklist, ops *change.Ops) error {
		for _, it := range c.Items {
			if it.ID == itemID {
				if it.Done == done && it.Note == note && len(it.Others) == 0 {
					return nil
				}
				ops.Put(r, donePrefix+itemID, ItemState{Done: done, Note: note})
				return nil
			}
		}
		return field.Errorf("item", "this checklist has no item %q", itemID)
	})
}

// AddItem adds an item to one person's checklist (not to the template).
func (s *Service) AddItem(ctx context.Context, author, id string, section Section, text string) (Checklist, error) {
	it := TemplateItem{ID: "added", Section: section, Text: strings.TrimSpace(text)}
	if err := validateItems("item", []TemplateItem{it}); err != nil {
		return Checklist{}, err
	}
	return s.edit(ctx, author, id, func(_ change.Record, c Checklist, ops *change.Ops) error {
		if len(c.Items) >= MaxItems*2 {
			return field.Errorf("item", "the checklist already has %d items", len(c.Items))
		}
		ops.Append(fAdded, TemplateItem{Section: it.Section, Text: it.Text})
		return nil
	})
}

// Get returns one checklist.
func (s *Service) Get(id string) (Checklist, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Checklist{}, err
	}
	return FromRecord(r), nil
}

// List returns every checklist, least complete first: what the lead looks at.
func (s *Service) List() ([]Checklist, error) {
	out, err := record.List(s.st, Kind, FromRecord)
	if err != nil {
		return nil, fmt.Errorf("list onboarding: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Progress.Percent != out[j].Progress.Percent {
			return out[i].Progress.Percent < out[j].Progress.Percent
		}
		return out[i].Start < out[j].Start
	})
	return out, nil
}

// Delete removes a checklist (a tombstone).
func (s *Service) Delete(ctx context.Context, author, id string) error {
	_, err := s.edit(ctx, author, id, func(r change.Record, _ Checklist, ops *change.Ops) error {
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	return err
}

func (s *Service) edit(ctx context.Context, author, id string, fn func(change.Record, Checklist, *change.Ops) error) (Checklist, error) {
	out, err := record.Edit(ctx, s.st, author, Kind, id, ErrNotFound, func(r change.Record, ops *change.Ops) error {
		return fn(r, FromRecord(r), ops)
	})
	if err != nil {
		return Checklist{}, err
	}
	return FromRecord(out), nil
}
