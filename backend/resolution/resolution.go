// Package resolution keeps the team's resolution codes: the short answers to "how was it
// resolved" that every resolved ticket carries, so reports and trends can count fixes,
// workarounds and duplicates. The list is one team setting, a record in the change log.
package resolution

import (
	"context"
	"errors"
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/slug"
)

// Kind and ID of the setting's record.
const (
	Kind = "setting"
	ID   = "resolution-codes"
)

const fCodes = "codes"

// Limits on the list.
const (
	MaxCodes = 30
	MaxLabel = 60
)

// Code is one resolution code: a stable ID (what a ticket stores) and the label people read.
type Code struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// defaults are the codes a team has until it edits the list.
var defaults = []Code{
	{"fixed", "Fixed"},
	{"workaround", "Workaround given"},
	{"how-to", "Answered a question (how-to)"},
	{"duplicate", "Duplicate"},
	{"no-fault-found", "No fault found"},
	{"wont-fix", "Will not be fixed"},
	{"third-party", "Fixed by a third party"},
}

// Service reads and saves the list, one store transaction per save.
type Service struct{ st *store.Store }

// NewService returns the service on st.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// List returns the team's codes (the defaults until the team saves its own).
func (s *Service) List() ([]Code, error) {
	r, err := s.st.Get(Kind, ID)
	if errors.Is(err, store.ErrNotFound) {
		return slices.Clone(defaults), nil
	}
	if err != nil {
		return nil, err
	}
	var codes []Code
	if ok, _ := r.Get(fCodes, &codes); !ok || len(codes) == 0 {
		return slices.Clone(defaults), nil
	}
	return codes, nil
}

// Has reports whether id is one of the team's codes.
func (s *Service) Has(id string) (bool, error) {
	codes, err := s.List()
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(codes, func(c Code) bool { return c.ID == id }), nil
}

// Save replaces the list. Labels are required; a code without an ID gets one from its label.
// Codes already used by tickets stay readable on them even when dropped from the list.
func (s *Service) Save(ctx context.Context, author string, codes []Code) ([]Code, error) {
	if len(codes) == 0 {
		return nil, field.Errorf("codes", "keep at least one resolution code")
	}
	if len(codes) > MaxCodes {
		return nil, field.Errorf("codes", "at most %d resolution codes", MaxCodes)
	}
	seen := map[string]bool{}
	out := make([]Code, 0, len(codes))
	for i, c := range codes {
		c.Label = strings.TrimSpace(c.Label)
		if err := field.Text("label", c.Label, MaxLabel, true, false); err != nil {
			return nil, field.Errorf("codes", "code %d: the name %s", i+1, strings.TrimPrefix(err.Error(), "label: "))
		}
		if c.ID = strings.TrimSpace(c.ID); c.ID == "" {
			c.ID = slug.From(c.Label)
		}
		if seen[c.ID] {
			return nil, field.Errorf("codes", "%q is in the list twice", c.Label)
		}
		seen[c.ID] = true
		out = append(out, c)
	}
	_, err := record.Upsert(ctx, s.st, author, Kind, ID, func(r change.Record, ops *change.Ops) error {
		ops.Put(r, fCodes, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
