package app

import (
	"slices"
	"strings"

	"outpost/backend/category"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
)

// CategoryService is the team's managed category list, as bound to the UI: tickets and
// assignment rules choose from it; renaming or merging a category moves its tickets and
// rules along in the same action.
type CategoryService struct {
	a   *App
	svc *category.Service
}

// CategoryOverview is the list with what it is asked to settle: names that look like one
// category spelled twice (offered for merging), and names in use that are not on the list.
type CategoryOverview struct {
	Categories []category.Category `json:"categories"`
	Merged     []category.Category `json:"merged"`
	Near       []category.Pair     `json:"near"`
	Unlisted   []string            `json:"unlisted"`
}

// List returns the categories, merged ones apart, near-duplicates and names in use but unlisted.
func (s *CategoryService) List() (CategoryOverview, error) {
	all, err := s.svc.List(true)
	if err != nil {
		return CategoryOverview{}, s.a.userError("list categories", err)
	}
	out := CategoryOverview{Categories: []category.Category{}, Merged: []category.Category{}, Unlisted: []string{}}
	var names []string
	for _, c := range all {
		if c.MergedInto != "" {
			out.Merged = append(out.Merged, c)
			continue
		}
		out.Categories = append(out.Categories, c)
		names = append(names, c.Name)
	}
	inUse, err := s.inUse()
	if err != nil {
		return CategoryOverview{}, s.a.userError("list categories", err)
	}
	for _, n := range inUse {
		if !slices.ContainsFunc(names, func(x string) bool { return strings.EqualFold(x, n) }) {
			out.Unlisted = append(out.Unlisted, n)
		}
	}
	out.Near = category.NearDuplicates(names)
	return out, nil
}

// inUse lists the category names open tickets and assignment rules use.
func (s *CategoryService) inUse() ([]string, error) {
	var out []string
	add := func(n string) {
		n = strings.TrimSpace(n)
		if n != "" && !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, n) }) {
			out = append(out, n)
		}
	}
	for _, c := range s.a.queue.Facets().Categories {
		add(c.Value)
	}
	set, err := s.a.techs.AssignSettings()
	if err != nil {
		return nil, err
	}
	for c := range set.Categories {
		add(c)
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out, nil
}

// Add puts a category on the list.
func (s *CategoryService) Add(name string) (category.Category, error) {
	c, err := s.svc.Add(s.a.ctx, s.a.me(), name)
	return c, s.a.userError("add category", err)
}

// Migrate puts every category in use (on tickets or in assignment rules) that is not on the
// list yet onto it, and returns the list.
func (s *CategoryService) Migrate() (CategoryOverview, error) {
	inUse, err := s.inUse()
	if err != nil {
		return CategoryOverview{}, s.a.userError("list categories", err)
	}
	for _, n := range inUse {
		if _, ok, err := s.svc.Find(n); err != nil || ok {
			if err != nil {
				return CategoryOverview{}, s.a.userError("list categories", err)
			}
			continue
		}
		if _, err := s.svc.Add(s.a.ctx, s.a.me(), n); err != nil {
			return CategoryOverview{}, s.a.userError("add category", err)
		}
	}
	return s.List()
}

// Rename renames a category; its tickets and its assignment rule follow in the same action.
func (s *CategoryService) Rename(id, name string) (category.Category, error) {
	c, err := s.svc.Rename(s.a.ctx, s.a.me(), id, name, s.move)
	return c, s.a.userError("rename category", err)
}

// Merge folds category id into category into: its tickets and rule move over, and it stays
// in the log as merged.
func (s *CategoryService) Merge(id, into string) (category.Category, error) {
	c, err := s.svc.Merge(s.a.ctx, s.a.me(), id, into, s.move)
	return c, s.a.userError("merge categories", err)
}

// move files the tickets and the assignment rule of category from under to, inside tx.
func (s *CategoryService) move(tx *store.Tx, from, to string) error {
	if _, err := s.a.tickets.Within(tx).RecategorizeIn(s.a.ctx, s.a.me(), from, to); err != nil {
		return err
	}
	return s.a.techs.RenameCategoryIn(tx, from, to)
}

// checkCategory returns the listed spelling of a ticket's category, or a field error when the
// team keeps a list and the category is not on it. "" (no category) is always allowed.
func (a *App) checkCategory(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	list, err := a.Categories.svc.List(false)
	if err != nil || len(list) == 0 {
		return name, err
	}
	for _, c := range list {
		if strings.EqualFold(c.Name, name) {
			return c.Name, nil
		}
	}
	return "", field.Errorf("category", "%q is not on the category list; choose one from it, or add it under Settings, Categories first", name)
}
