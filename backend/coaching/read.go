package coaching

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"filippo.io/age"

	"outpost/backend/change"
	"outpost/backend/person"
	"outpost/backend/sealed"
	"outpost/backend/store"
)

// reader is this device's person with the key that opens what is sealed to them.
type reader struct {
	me    person.Person
	key   age.Identity
	today string
}

func (s *Service) reader() (reader, error) {
	me, key, err := s.people.Current()
	if err != nil {
		return reader{}, err
	}
	return reader{me: me, key: key, today: s.now().Format(DateLayout)}, nil
}

// Get returns one item, if this person can read it.
func (s *Service) Get(id string) (Item, error) {
	r, err := s.st.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.Deleted() {
		return Item{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return Item{}, err
	}
	return s.open(r)
}

func (s *Service) open(r change.Record) (Item, error) {
	rd, err := s.reader()
	if err != nil {
		return Item{}, err
	}
	it, err := rd.open(r)
	if err != nil {
		return Item{}, fmt.Errorf("%w: %s", ErrNotFound, r.ID)
	}
	return it, nil
}

// open decrypts record r for this reader. It fails with sealed.ErrNotReader when
// the current version is not sealed to them.
func (rd reader) open(r change.Record) (Item, error) {
	var box sealed.Box
	if _, err := r.Get(fSealed, &box); err != nil {
		return Item{}, fmt.Errorf("%w: %v", sealed.ErrDamaged, err)
	}
	if !box.Has(rd.me.ID) {
		return Item{}, sealed.ErrNotReader
	}
	var c Content
	if err := box.Open(rd.key, &c); err != nil {
		return Item{}, err
	}
	f := r.Fields[fSealed]
	it := Item{
		ID: r.ID, TechnicianID: r.String(fSubject), AuthorID: r.String(fAuthor), Content: c,
		Shared: isShared(box, r.String(fAuthor)), Created: r.Created.Time(), CreatedBy: r.CreatedBy,
		Updated: f.At.Time(), UpdatedBy: f.By, Conflicts: []Version{},
	}
	it.Mine = it.AuthorID == rd.me.ID
	it.Overdue = c.Type == TypeAction && !c.Done && c.Due != "" && c.Due < rd.today
	for _, w := range f.Conflict {
		var other sealed.Box
		var oc Content
		if json.Unmarshal(w.Value, &other) != nil || !other.Has(rd.me.ID) || other.Open(rd.key, &oc) != nil {
			continue // a concurrent version this person cannot read stays unseen
		}
		it.Conflicts = append(it.Conflicts, Version{Write: w.ID.String(), By: w.By, At: w.At.Time(), Content: oc})
	}
	return it, nil
}

// Notes returns everything about technician techID that this person can read.
// Items sealed to others are skipped without a trace: not even their titles exist here.
func (s *Service) Notes(techID string) (View, error) {
	rd, err := s.reader()
	if err != nil {
		return View{}, err
	}
	v := View{TechnicianID: techID, Notes: []Item{}, Goals: []Item{}, Actions: []Item{}}
	err = s.st.Scan(Kind, func(r change.Record) error {
		if r.Deleted() || r.String(fSubject) != techID {
			return nil
		}
		it, err := rd.open(r)
		switch {
		case errors.Is(err, sealed.ErrNotReader):
		case err != nil:
			v.Unreadable++
		default:
			v.add(it)
		}
		return nil
	})
	if err != nil {
		return View{}, fmt.Errorf("list coaching items: %w", err)
	}
	v.sort()
	return v, nil
}

// SharedWithMe returns the items about this person's own technician profile that were shared with them.
func (s *Service) SharedWithMe() (View, error) {
	me, _, err := s.people.Current()
	if err != nil {
		return View{}, err
	}
	if me.TechnicianID == "" {
		return View{Notes: []Item{}, Goals: []Item{}, Actions: []Item{}}, nil
	}
	v, err := s.Notes(me.TechnicianID)
	if err != nil {
		return View{}, err
	}
	for _, list := range [][]Item{v.Notes, v.Goals, v.Actions} {
		for i := range list {
			list[i].Conflicts = []Version{} // the lead settles conflicts; a shared reader sees the current version
		}
	}
	return v, nil
}

// Subject is a technician this person holds readable coaching items about.
type Subject struct {
	TechnicianID string `json:"technicianId"`
	Items        int    `json:"items"`
	OpenActions  int    `json:"openActions"`
	Overdue      int    `json:"overdue"`
}

// Subjects lists the technicians this person has readable items about, by technician ID.
func (s *Service) Subjects() ([]Subject, error) {
	rd, err := s.reader()
	if err != nil {
		return nil, err
	}
	by := map[string]*Subject{}
	err = s.st.Scan(Kind, func(r change.Record) error {
		if r.Deleted() {
			return nil
		}
		it, err := rd.open(r)
		if err != nil {
			return nil
		}
		sub := by[it.TechnicianID]
		if sub == nil {
			sub = &Subject{TechnicianID: it.TechnicianID}
			by[it.TechnicianID] = sub
		}
		sub.Items++
		if it.Type == TypeAction && !it.Done {
			sub.OpenActions++
		}
		if it.Overdue {
			sub.Overdue++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list coaching subjects: %w", err)
	}
	out := make([]Subject, 0, len(by))
	for _, sub := range by {
		out = append(out, *sub)
	}
	slices.SortFunc(out, func(a, b Subject) int {
		switch {
		case a.TechnicianID < b.TechnicianID:
			return -1
		case a.TechnicianID > b.TechnicianID:
			return 1
		}
		return 0
	})
	return out, nil
}
