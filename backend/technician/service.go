package technician

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// Loads reports how many open tickets each assignee holds, keyed by the ticket's
// assignee value (a technician ID, or a name on tickets from before IDs were used).
type Loads func() map[string]int

// Service performs technician actions as single durable store transactions.
type Service struct {
	st    *store.Store
	loads Loads
}

// NewService returns a technician service on st; loads supplies open ticket counts
// (nil means none are known).
func NewService(st *store.Store, loads Loads) *Service {
	if loads == nil {
		loads = func() map[string]int { return nil }
	}
	return &Service{st: st, loads: loads}
}

// Get returns one technician with the current open load.
func (s *Service) Get(id string) (Technician, error) {
	rec, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Technician{}, err
	}
	t := FromRecord(rec)
	t.OpenLoad = openLoad(t, s.loads())
	return t, nil
}

// List returns technicians sorted by name; inactive ones only when asked.
func (s *Service) List(includeInactive bool) ([]Technician, error) {
	loads := s.loads()
	out := []Technician{}
	err := s.st.Scan(Kind, func(r change.Record) error {
		if r.Deleted() {
			return nil
		}
		t := FromRecord(r)
		if t.Active || includeInactive {
			t.OpenLoad = openLoad(t, loads)
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list technicians: %w", err)
	}
	slices.SortFunc(out, func(a, b Technician) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// openLoad counts tickets assigned to t's ID and, for tickets assigned before
// assignees were technician IDs, to t's name (case-insensitive).
func openLoad(t Technician, loads map[string]int) int {
	n := loads[t.ID]
	if t.Name == "" {
		return n
	}
	for who, c := range loads {
		if who != t.ID && strings.EqualFold(strings.TrimSpace(who), t.Name) {
			n += c
		}
	}
	return n
}

// Create adds a technician, active from the start.
func (s *Service) Create(ctx context.Context, author string, p Profile) (Technician, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return Technician{}, err
	}
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		ops := &change.Ops{}
		ops.Set(fName, p.Name, nil)
		ops.Set(fEmail, p.Email, nil)
		ops.Set(fPhone, p.Phone, nil)
		ops.Set(fRole, p.Role, nil)
		ops.Set(fTier, p.Tier, nil)
		ops.Set(fHours, p.Hours, nil)
		ops.Set(fOnSite, p.OnSite, nil)
		ops.Set(fActive, true, nil)
		for _, name := range slices.Sorted(maps.Keys(p.Skills)) {
			ops.Add(fSkills, skillElem(name, p.Skills[name]))
		}
		for _, o := range p.TimeOff {
			ops.Add(fTimeOff, timeOffElem(o))
		}
		var err error
		out, err = writeOps(tx, store.NewID(), ops)
		return err
	})
	if err != nil {
		return Technician{}, fmt.Errorf("create technician: %w", err)
	}
	return FromRecord(out), nil
}

// Update replaces the profile; only the fields that differ are written.
func (s *Service) Update(ctx context.Context, author, id string, p Profile) (Technician, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return Technician{}, err
	}
	return s.edit(ctx, author, id, func(r change.Record, t Technician, ops *change.Ops) {
		ops.PutIfChanged(r, fName, t.Name, p.Name)
		ops.PutIfChanged(r, fEmail, t.Email, p.Email)
		ops.PutIfChanged(r, fPhone, t.Phone, p.Phone)
		ops.PutIfChanged(r, fRole, string(t.Role), string(p.Role))
		if t.Tier != p.Tier {
			ops.Put(r, fTier, p.Tier)
		}
		if t.OnSite != p.OnSite {
			ops.Put(r, fOnSite, p.OnSite)
		}
		if !sameHours(t, p) {
			ops.Put(r, fHours, p.Hours)
		}
		skills := make([]string, 0, len(p.Skills))
		for name, level := range p.Skills {
			skills = append(skills, skillElem(name, level))
		}
		ops.SyncSet(r, fSkills, skills)
		offs := make([]string, 0, len(p.TimeOff))
		for _, o := range p.TimeOff {
			offs = append(offs, timeOffElem(o))
		}
		ops.SyncSet(r, fTimeOff, offs)
	})
}

func sameHours(t Technician, p Profile) bool {
	return t.Hours.Zone == p.Hours.Zone && slices.Equal(t.Hours.Shifts, p.Hours.Shifts)
}

// SetActive deactivates (false) or reactivates a technician. Nothing is deleted:
// an inactive technician keeps their history and tickets but gets no suggestions.
func (s *Service) SetActive(ctx context.Context, author, id string, active bool) (Technician, error) {
	return s.edit(ctx, author, id, func(r change.Record, t Technician, ops *change.Ops) {
		if t.Active != active {
			ops.Put(r, fActive, active)
		}
	})
}

func (s *Service) edit(ctx context.Context, author, id string, fn func(change.Record, Technician, *change.Ops)) (Technician, error) {
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		if err != nil {
			return err
		}
		ops := &change.Ops{}
		fn(r, FromRecord(r), ops)
		if ops.Len() == 0 {
			out = r
			return nil
		}
		out, err = writeOps(tx, id, ops)
		return err
	})
	if err != nil {
		return Technician{}, err
	}
	t := FromRecord(out)
	t.OpenLoad = openLoad(t, s.loads())
	return t, nil
}

// writeOps writes ops as one change, or as several changes of the same action when
// they exceed the per-change limit (a profile with many skills and time off entries).
func writeOps(tx *store.Tx, id string, ops *change.Ops) (change.Record, error) {
	list, err := ops.List()
	if err != nil {
		return change.Record{}, err
	}
	var rec change.Record
	for chunk := range slices.Chunk(list, change.MaxOps) {
		if rec, err = tx.Write(Kind, id, chunk); err != nil {
			return change.Record{}, err
		}
	}
	return rec, nil
}
