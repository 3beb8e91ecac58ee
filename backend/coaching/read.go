package coaching

import (
	"fmt"
	"slices"

	"outpost/backend/core/change"
	"outpost/backend/private"
)

// Get returns one item, if this person can read it.
func (s *Service) Get(id string) (Item, error) {
	r, err := s.items.Get(id)
	if err != nil {
		return Item{}, err
	}
	return s.open(r)
}

func (s *Service) open(r change.Record) (Item, error) {
	rd, o, err := s.items.Open(r)
	if err != nil {
		return Item{}, err
	}
	return item(rd, r, o, s.today()), nil
}

// today is the date overdue actions are measured against.
func (s *Service) today() string { return s.now().Format(DateLayout) }

// item is record r as reader rd sees it on day today, with every concurrent
// version they can read.
func item(rd private.Reader, r change.Record, o private.Opened[Content], today string) Item {
	f := r.Fields[fSealed]
	c := o.Content
	it := Item{
		ID: o.ID, TechnicianID: o.TechnicianID, AuthorID: o.AuthorID, Content: c, Shared: o.Shared, Mine: o.Mine,
		Created: o.Created, CreatedBy: r.CreatedBy, Updated: f.At.Time(), UpdatedBy: f.By, Conflicts: []Version{},
	}
	it.Overdue = c.Type == TypeAction && !c.Done && c.Due != "" && c.Due < today
	for _, w := range f.Conflict {
		var oc Content
		if rd.OpenRaw(w.Value, &oc) { // a concurrent version this person cannot read stays unseen
			it.Conflicts = append(it.Conflicts, Version{Write: w.ID.String(), By: w.By, At: w.At.Time(), Content: oc})
		}
	}
	return it
}

// Notes returns everything about technician techID that this person can read.
// Items sealed to others are skipped without a trace: not even their titles exist here.
func (s *Service) Notes(techID string) (View, error) {
	rd, err := s.items.Reader()
	if err != nil {
		return View{}, err
	}
	v := View{TechnicianID: techID, Notes: []Item{}, Goals: []Item{}, Actions: []Item{}}
	if techID == "" {
		return v, nil // every item is about a technician
	}
	today := s.today()
	v.Unreadable, err = s.items.Each(rd, techID, func(r change.Record, o private.Opened[Content]) {
		v.add(item(rd, r, o, today))
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
	rd, err := s.items.Reader()
	if err != nil {
		return nil, err
	}
	today := s.today()
	by := map[string]*Subject{}
	_, err = s.items.Each(rd, "", func(r change.Record, o private.Opened[Content]) {
		it := item(rd, r, o, today)
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
