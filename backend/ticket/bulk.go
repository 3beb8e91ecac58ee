package ticket

import (
	"context"
	"fmt"
	"strings"

	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// MaxBulk is the most tickets one bulk action may touch: one transaction holds them all.
const MaxBulk = 500

// AssignMany gives several tickets to one technician ("" unassigns) as ONE action:
// a single store transaction holding one change per ticket that actually changes.
// Every ticket is checked first; a missing ticket or a bad assignee aborts the whole
// action and nothing is written. Repeated IDs count once. The tickets come back in
// the order of ids.
func (s *Service) AssignMany(ctx context.Context, author string, ids []string, assignee string) ([]Ticket, error) {
	if err := field.Text("assignee", assignee, MaxShort, false, false); err != nil {
		return nil, err
	}
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		uniq = append(uniq, id)
	}
	switch {
	case len(uniq) == 0:
		return nil, field.Errorf("ids", "choose at least one ticket")
	case len(uniq) > MaxBulk:
		return nil, field.Errorf("ids", "at most %d tickets at once (%d chosen)", MaxBulk, len(uniq))
	}
	out := make([]Ticket, 0, len(uniq))
	err := s.update(ctx, author, func(tx *store.Tx) error {
		in := s.Within(tx)
		for _, id := range uniq {
			t, err := in.Assign(ctx, author, id, assignee)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assign %d tickets: %w", len(uniq), err)
	}
	return out, nil
}

// RecategorizeIn files every ticket of category from (any case) under category to, inside
// the transaction the service was bound to by Within (a category renamed or merged on the
// category list): one change per ticket, so each ticket's history says so. It returns how
// many tickets moved.
func (s *Service) RecategorizeIn(ctx context.Context, author, from, to string) (int, error) {
	all, err := record.List(s.st, Kind, FromRecord)
	if err != nil {
		return 0, fmt.Errorf("list tickets: %w", err)
	}
	n := 0
	for _, t := range all {
		if !strings.EqualFold(strings.TrimSpace(t.Category), strings.TrimSpace(from)) || t.Category == to {
			continue
		}
		if _, err := s.Update(ctx, author, t.ID, Patch{Category: &to}); err != nil {
			return n, fmt.Errorf("recategorize %s: %w", t.Number, err)
		}
		n++
	}
	return n, nil
}
