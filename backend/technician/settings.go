package technician

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"outpost/backend/assign"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// The team's assignment settings live in one record of the shared settings kind.
// The category map is one register (a person edits the table as a whole; a real
// concurrent edit is flagged), the open-ticket limit another.
const (
	SettingsKind = "settings"
	SettingsID   = "categories"
	fCategories  = "categories"
	fMaxOpen     = "maxOpen"
)

// AssignSettings returns the team's assignment settings, or the defaults where none were saved.
func (s *Service) AssignSettings() (assign.Settings, error) {
	rec, err := s.st.Get(SettingsKind, SettingsID)
	if errors.Is(err, store.ErrNotFound) {
		return assign.DefaultSettings(), nil
	}
	if err != nil {
		return assign.Settings{}, fmt.Errorf("read assignment settings: %w", err)
	}
	return settingsFrom(rec), nil
}

func settingsFrom(rec change.Record) assign.Settings {
	set := assign.DefaultSettings()
	var cats map[string][]string
	if ok, err := rec.Get(fCategories, &cats); ok && err == nil && cats != nil {
		set.Categories = cats
	}
	if n := rec.Int(fMaxOpen); n > 0 {
		set.MaxOpen = n
	}
	return set
}

// SaveAssignSettings replaces the category-to-skills table and the open-ticket limit.
func (s *Service) SaveAssignSettings(ctx context.Context, author string, in assign.Settings) (assign.Settings, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return assign.Settings{}, err
	}
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := tx.Get(SettingsKind, SettingsID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		cur := settingsFrom(r)
		ops := &change.Ops{}
		if !sameCategories(cur.Categories, in.Categories) || r.Fields[fCategories].Value == nil {
			ops.Put(r, fCategories, in.Categories)
		}
		if cur.MaxOpen != in.MaxOpen || r.Fields[fMaxOpen].Value == nil {
			ops.Put(r, fMaxOpen, in.MaxOpen)
		}
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			out = r
			return err
		}
		out, err = tx.Write(SettingsKind, SettingsID, list)
		return err
	})
	if err != nil {
		return assign.Settings{}, fmt.Errorf("save assignment settings: %w", err)
	}
	return settingsFrom(out), nil
}

func sameCategories(a, b map[string][]string) bool {
	return maps.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// RenameCategoryIn moves the assignment rule of category from to category to inside tx (a
// category renamed or merged on the category list): the skills of both are kept, so rules
// written for "accounts" match the tickets now filed under "account".
func (s *Service) RenameCategoryIn(tx *store.Tx, from, to string) error {
	from, to = strings.ToLower(strings.TrimSpace(from)), strings.ToLower(strings.TrimSpace(to))
	r, err := tx.Get(SettingsKind, SettingsID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	set := settingsFrom(r)
	skills, ok := set.Categories[from]
	if !ok || from == to {
		return nil
	}
	cats := maps.Clone(set.Categories)
	delete(cats, from)
	for _, sk := range skills {
		if !slices.Contains(cats[to], sk) {
			cats[to] = append(cats[to], sk)
		}
	}
	set.Categories = cats
	set.Normalize()
	if err := set.Validate(); err != nil {
		return err
	}
	ops := &change.Ops{}
	ops.Put(r, fCategories, set.Categories)
	list, err := ops.List()
	if err != nil {
		return err
	}
	_, err = tx.Write(SettingsKind, SettingsID, list)
	return err
}
