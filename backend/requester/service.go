package requester

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// ErrNotFound reports a requester that is not in the directory (or was deleted).
var ErrNotFound = errors.New("no such requester in the directory")

// maxMergeHops bounds how far Get follows requesters merged into others.
const maxMergeHops = 8

// Service keeps the requester directory, one store transaction per action.
type Service struct {
	st      *store.Store
	tickets *ticket.Service
	idx     *index
	cancel  func()
}

// NewService returns the directory on st; tickets relinks the tickets of merged requesters.
// Close it to stop following the store's commits.
func NewService(st *store.Store, tickets *ticket.Service) *Service {
	s := &Service{st: st, tickets: tickets, idx: newIndex()}
	s.cancel = st.Subscribe(s.idx.observe)
	return s
}

// Close stops keeping the index fresh.
func (s *Service) Close() { s.cancel() }

// Save creates a requester (id "") or changes one. A new requester with an address gets the
// ID that address derives (IDFor); one without gets a random ID. An address another
// requester holds is refused: merge the two instead.
func (s *Service) Save(ctx context.Context, author, id string, in Input) (Requester, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Requester{}, err
	}
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		ops := &change.Ops{}
		target, r, err := s.target(tx, id, in, ops)
		if err != nil {
			return err
		}
		for _, e := range in.Emails {
			holder, err := s.holder(tx, e)
			if err != nil {
				return err
			}
			if holder != "" && holder != target {
				h, _ := tx.Get(Kind, holder)
				return field.Errorf("emails", "%s is the address of %s already; merge the two requesters instead", e, h.String(fName))
			}
		}
		putInput(ops, r, in)
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			out = r
			return err
		}
		out, err = tx.Write(Kind, target, list)
		return err
	})
	if err != nil {
		return Requester{}, fmt.Errorf("save requester: %w", err)
	}
	return FromRecord(out), nil
}

// target returns the record Save writes: the existing requester id, or a new one's ID and
// its record (a deleted one of that ID revived).
func (s *Service) target(tx *store.Tx, id string, in Input, ops *change.Ops) (string, change.Record, error) {
	if id != "" {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		return id, r, err
	}
	id = store.NewID()
	if len(in.Emails) > 0 {
		id = IDFor(in.Emails[0])
	}
	r, err := tx.Get(Kind, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return id, change.Record{}, nil
	case err != nil:
		return "", r, err
	case !r.Deleted():
		return "", r, field.Errorf("emails", "%s is the address of %s already", in.Emails[0], r.String(fName))
	}
	revive(ops, r)
	return id, r, nil
}

// revive gathers the writes that bring a deleted (or merged) record back.
func revive(ops *change.Ops, r change.Record) {
	ops.Put(r, change.FieldDeleted, false)
	if r.String(fMergedInto) != "" {
		ops.Put(r, fMergedInto, "")
	}
}

// holder returns the live requester holding email ("" for none), reading through g.
// Several holders (two replicas gave one address to two requesters) resolve to the
// smallest ID, the same on every replica.
func (s *Service) holder(g record.Getter, email string) (string, error) {
	s.idx.mu.Lock()
	err := s.idx.fresh(s.st, g)
	candidates := s.idx.holders(email)
	s.idx.mu.Unlock()
	if err != nil {
		return "", err
	}
	candidates = append(candidates, IDFor(email))
	slices.Sort(candidates)
	for _, id := range slices.Compact(candidates) {
		r, err := g.Get(Kind, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		if err == nil && holds(r, email) {
			return id, nil
		}
	}
	return "", nil
}

// Get returns one requester. A requester merged into another returns the one it went into.
func (s *Service) Get(id string) (Requester, error) {
	r, err := s.live(s.st, id)
	if err != nil {
		return Requester{}, err
	}
	return FromRecord(r), nil
}

// live reads requester id through g, following merges.
func (s *Service) live(g record.Getter, id string) (change.Record, error) {
	for range maxMergeHops {
		r, err := g.Get(Kind, id)
		if err == nil && r.Deleted() && r.String(fMergedInto) != "" {
			id = r.String(fMergedInto)
			continue
		}
		if record.Gone(r, err) {
			return r, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return r, err
	}
	return change.Record{}, fmt.Errorf("%w: %s", ErrNotFound, id)
}

// Listed is a requester as the directory lists it.
type Listed struct {
	Requester
	OpenTickets int `json:"openTickets"`
}

// Filter narrows the list.
type Filter struct {
	Text string `json:"text"` // matches name, any address, department or site, ignoring case
}

// List returns the requesters matching f, by name.
func (s *Service) List(f Filter) ([]Listed, error) {
	s.idx.mu.Lock()
	err := s.idx.fresh(s.st, s.st)
	counts := s.idx.openCounts()
	s.idx.mu.Unlock()
	if err != nil {
		return nil, err
	}
	text := strings.ToLower(strings.TrimSpace(f.Text))
	out := []Listed{}
	err = s.st.Scan(Kind, func(r change.Record) error {
		if r.Deleted() {
			return nil
		}
		q := FromRecord(r)
		if text == "" || matches(q, text) {
			out = append(out, Listed{Requester: q, OpenTickets: counts[q.ID]})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list requesters: %w", err)
	}
	slices.SortFunc(out, func(a, b Listed) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func matches(q Requester, text string) bool {
	for _, v := range append([]string{q.Name, q.Department, q.Site}, q.Emails...) {
		if strings.Contains(strings.ToLower(v), text) {
			return true
		}
	}
	return false
}

// Delete removes a requester (a tombstone; its history stays). Its tickets keep their link
// and show it as no longer in the directory.
func (s *Service) Delete(ctx context.Context, author, id string) error {
	_, err := record.Edit(ctx, s.st, author, Kind, id, ErrNotFound, func(r change.Record, ops *change.Ops) error {
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete requester: %w", err)
	}
	return nil
}
