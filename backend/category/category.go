// Package category keeps the team's managed list of ticket categories: each category is a
// record in the change log that can be added, renamed and merged into another, so tickets,
// assignment rules and imports choose from one list instead of spelling categories freely.
package category

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
	"outpost/backend/slug"
)

// Kind is the record kind of categories.
const Kind = "category"

// MaxName is the longest category name.
const MaxName = 60

// ErrNotFound reports a category that does not exist.
var ErrNotFound = errors.New("no such category")

const (
	fName       = "name"
	fMergedInto = "mergedInto"
)

// Category is one entry of the list. A merged category stays as a record (its history is
// kept) and names the category it went into; it is no longer offered.
type Category struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	MergedInto string `json:"mergedInto,omitempty"`
}

// FromRecord reads a category from its record.
func FromRecord(r change.Record) Category {
	return Category{ID: r.ID, Name: r.String(fName), MergedInto: r.String(fMergedInto)}
}

// ID is the record ID of the category first added as name: the same on every device, so
// two devices adding "Printer" offline make one category, not two.
func ID(name string) string { return "cat-" + slug.From(name) }

// Service keeps the category list, one store transaction per action.
type Service struct{ st *store.Store }

// NewService returns a category service on st.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// List returns the categories by name; merged ones only when withMerged.
func (s *Service) List(withMerged bool) ([]Category, error) {
	all, err := record.List(s.st, Kind, FromRecord)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	out := []Category{}
	for _, c := range all {
		if withMerged || c.MergedInto == "" {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Category) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// Find returns the listed (not merged) category called name, ignoring case.
func (s *Service) Find(name string) (Category, bool, error) {
	list, err := s.List(false)
	if err != nil {
		return Category{}, false, err
	}
	for _, c := range list {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, true, nil
		}
	}
	return Category{}, false, nil
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if err := field.Text("name", name, MaxName, true, false); err != nil {
		return "", err
	}
	return name, nil
}

// Add puts name on the list. A name already listed (in any case) is refused.
func (s *Service) Add(ctx context.Context, author, name string) (Category, error) {
	name, err := checkName(name)
	if err != nil {
		return Category{}, err
	}
	if _, ok, err := s.Find(name); err != nil || ok {
		if err == nil {
			err = field.Errorf("name", "%q is on the list already", name)
		}
		return Category{}, err
	}
	out, err := record.Upsert(ctx, s.st, author, Kind, ID(name), func(r change.Record, ops *change.Ops) error {
		record.PutChanged(ops, r, fName, name)
		record.PutChanged(ops, r, fMergedInto, "")
		return nil
	})
	if err != nil {
		return Category{}, fmt.Errorf("add category: %w", err)
	}
	return FromRecord(out), nil
}

// Rename changes a category's name. also runs in the same transaction, with the old and the
// new name, so the tickets and rules that use the category change with it.
func (s *Service) Rename(ctx context.Context, author, id, name string, also func(tx *store.Tx, from, to string) error) (Category, error) {
	name, err := checkName(name)
	if err != nil {
		return Category{}, err
	}
	if c, ok, err := s.Find(name); err != nil || ok && c.ID != id {
		if err == nil {
			err = field.Errorf("name", "%q is on the list already; merge into it instead", name)
		}
		return Category{}, err
	}
	return s.write(ctx, author, id, func(tx *store.Tx, r change.Record, ops *change.Ops) error {
		old := r.String(fName)
		record.PutChanged(ops, r, fName, name)
		if also == nil || old == name {
			return nil
		}
		return also(tx, old, name)
	})
}

// Merge folds category id into category into: id stays in the log as merged, and also
// (run in the same transaction with both names) moves tickets and rules over.
func (s *Service) Merge(ctx context.Context, author, id, into string, also func(tx *store.Tx, from, to string) error) (Category, error) {
	if id == into {
		return Category{}, field.Errorf("into", "choose another category to merge into")
	}
	return s.write(ctx, author, id, func(tx *store.Tx, r change.Record, ops *change.Ops) error {
		target, err := record.Live(tx, Kind, into, ErrNotFound)
		if err != nil {
			return err
		}
		if t := FromRecord(target); t.MergedInto != "" {
			return field.Errorf("into", "%q was merged into another category itself; choose that one", t.Name)
		}
		record.PutChanged(ops, r, fMergedInto, into)
		if also == nil {
			return nil
		}
		return also(tx, r.String(fName), target.String(fName))
	})
}

func (s *Service) write(ctx context.Context, author, id string, fn func(*store.Tx, change.Record, *change.Ops) error) (Category, error) {
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		if err != nil {
			return err
		}
		if FromRecord(r).MergedInto != "" {
			return field.Errorf("category", "%q was merged into another category", r.String(fName))
		}
		ops := &change.Ops{}
		if err := fn(tx, r, ops); err != nil {
			return err
		}
		list, err := ops.List()
		if err != nil {
			return err
		}
		out = r
		if len(list) > 0 {
			out, err = tx.Write(Kind, id, list)
		}
		return err
	})
	if err != nil {
		return Category{}, fmt.Errorf("change category: %w", err)
	}
	return FromRecord(out), nil
}
