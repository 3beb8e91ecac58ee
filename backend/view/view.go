// Package view keeps the queue views people save: a named filter of the queue that
// belongs to one person and follows them to every device of the team, as a record
// in the change log like any other.
package view

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// Kind is the record kind of saved views.
const Kind = "view"

// Limits on what a view holds.
const (
	MaxName   = 80
	MaxFilter = 4 << 10 // bytes of the filter's JSON
	MaxViews  = 100     // per person
)

// ErrNotFound reports a view that does not exist, or is not the person's own.
var ErrNotFound = errors.New("no such saved view")

const (
	fOwner  = "owner"
	fName   = "name"
	fFilter = "filter"
)

// View is one saved view. The filter is the window's own description of the filter
// bar (a JSON object); the backend keeps it as it was saved.
type View struct {
	ID     string          `json:"id"`
	Owner  string          `json:"owner"`
	Name   string          `json:"name"`
	Filter json.RawMessage `json:"filter" ts_type:"Record<string, unknown>"`
}

// FromRecord reads a view from its record.
func FromRecord(r change.Record) View {
	v := View{ID: r.ID, Owner: r.String(fOwner), Name: r.String(fName), Filter: json.RawMessage(`{}`)}
	if f, ok := r.Fields[fFilter]; ok && len(f.Value) > 0 && f.Value[0] == '{' {
		v.Filter = json.RawMessage(f.Value)
	}
	return v
}

// ID is the record ID of owner's view called name: the same on every device, so the
// same view saved on two devices offline is one record, not two.
func ID(owner, name string) string {
	sum := sha256.Sum256([]byte(owner + "\x00" + strings.ToLower(strings.TrimSpace(name))))
	return "v-" + hex.EncodeToString(sum[:10])
}

// Service keeps saved views, one durable store transaction per action.
type Service struct{ st *store.Store }

// NewService returns a view service on st.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// List returns owner's views, by name.
func (s *Service) List(owner string) ([]View, error) {
	all, err := record.List(s.st, Kind, FromRecord)
	if err != nil {
		return nil, fmt.Errorf("list saved views: %w", err)
	}
	out := []View{}
	for _, v := range all {
		if v.Owner == owner {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b View) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Save stores filter as owner's view called name, replacing the view of that name.
func (s *Service) Save(ctx context.Context, author, owner, name string, filter json.RawMessage) (View, error) {
	name = strings.TrimSpace(name)
	if err := field.Text("name", name, MaxName, true, false); err != nil {
		return View{}, err
	}
	if !change.ValidName(owner) {
		return View{}, fmt.Errorf("saved view owner %q", owner)
	}
	var compact bytes.Buffer
	if len(filter) > MaxFilter {
		return View{}, field.Errorf("filter", "is %d bytes; at most %d", len(filter), MaxFilter)
	}
	if err := json.Compact(&compact, filter); err != nil || compact.Len() == 0 || compact.Bytes()[0] != '{' {
		return View{}, field.Errorf("filter", "must be a JSON object")
	}
	out, err := record.Upsert(ctx, s.st, author, Kind, ID(owner, name), func(r change.Record, ops *change.Ops) error {
		if r.Kind == "" || r.Deleted() { // a new view: within the person's limit
			if n, err := s.count(owner); err != nil || n >= MaxViews {
				if err == nil {
					err = field.Errorf("name", "you have %d saved views, the most one person can keep; remove one first", n)
				}
				return err
			}
		}
		record.PutChanged(ops, r, fOwner, owner)
		record.PutChanged(ops, r, fName, name)
		record.PutChanged(ops, r, fFilter, json.RawMessage(compact.Bytes()))
		return nil
	})
	if err != nil {
		return View{}, fmt.Errorf("save view: %w", err)
	}
	return FromRecord(out), nil
}

func (s *Service) count(owner string) (int, error) {
	views, err := s.List(owner)
	return len(views), err
}

// Remove deletes owner's view id (a tombstone); another person's view is not found.
func (s *Service) Remove(ctx context.Context, author, owner, id string) error {
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		if err != nil {
			return err
		}
		if r.String(fOwner) != owner {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		ops := &change.Ops{}
		ops.Put(r, change.FieldDeleted, true)
		list, err := ops.List()
		if err != nil {
			return err
		}
		_, err = tx.Write(Kind, id, list)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove view: %w", err)
	}
	return nil
}
