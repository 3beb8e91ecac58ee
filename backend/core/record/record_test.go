package record

import (
	"context"
	"errors"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

var errMissing = errors.New("widget not found")

// seed writes widget w1 with a name, and widget w2 deleted.
func seed(t *testing.T, st *store.Store) {
	t.Helper()
	_, err := st.Update(context.Background(), "alice", func(tx *store.Tx) error {
		name, err := change.Set("name", "first", nil)
		if err != nil {
			return err
		}
		if _, err := tx.Write("widget", "w1", []change.Op{name}); err != nil {
			return err
		}
		gone, err := change.Set(change.FieldDeleted, true, nil)
		if err != nil {
			return err
		}
		_, err = tx.Write("widget", "w2", []change.Op{name, gone})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLive(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	seed(t, st)
	cases := []struct {
		name, id string
		wantErr  string // "" for a live record
	}{
		{"live", "w1", ""},
		{"deleted", "w2", "widget not found: w2"},
		{"missing", "w3", "widget not found: w3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Live(st, "widget", c.id, errMissing)
			if c.wantErr == "" {
				if err != nil || r.String("name") != "first" {
					t.Fatalf("Live = %q, %v", r.String("name"), err)
				}
				return
			}
			if !errors.Is(err, errMissing) || err.Error() != c.wantErr {
				t.Fatalf("Live error = %v, want %q wrapping errMissing", err, c.wantErr)
			}
		})
	}
}

func TestEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rename := func(r change.Record, ops *change.Ops) error {
		ops.Put(r, "name", "second")
		return nil
	}
	cases := []struct {
		name, id  string
		fn        func(change.Record, *change.Ops) error
		wantName  string
		wantErr   error
		wantWrite bool
	}{
		{"ops are written as one change", "w1", rename, "second", nil, true},
		{"no ops write nothing", "w1", func(change.Record, *change.Ops) error { return nil }, "first", nil, false},
		{"an error from fn writes nothing", "w1", func(r change.Record, ops *change.Ops) error {
			ops.Put(r, "name", "second")
			return errors.New("refused")
		}, "", nil, false},
		{"a deleted record is not found", "w2", rename, "", errMissing, false},
		{"a missing record is not found", "w3", rename, "", errMissing, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.Open(t)
			seed(t, st)
			before, err := st.Vector()
			if err != nil {
				t.Fatal(err)
			}
			r, err := Edit(ctx, st, "bob", "widget", c.id, errMissing, c.fn)
			switch {
			case c.wantErr != nil:
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("Edit error = %v, want %v", err, c.wantErr)
				}
			case c.wantName == "":
				if err == nil {
					t.Fatal("Edit succeeded although fn failed")
				}
			default:
				if err != nil || r.String("name") != c.wantName || r.ID != c.id {
					t.Fatalf("Edit = %s %q, %v; want %s %q", r.ID, r.String("name"), err, c.id, c.wantName)
				}
			}
			after, err := st.Vector()
			if err != nil {
				t.Fatal(err)
			}
			wrote := changes(after) != changes(before)
			if wrote != c.wantWrite {
				t.Fatalf("wrote a change: %v, want %v", wrote, c.wantWrite)
			}
			want := "first"
			if c.wantWrite {
				want = "second"
			}
			if got, err := st.Get("widget", "w1"); err != nil || got.String("name") != want {
				t.Fatalf("stored name %q (%v) after the edit, want %q", got.String("name"), err, want)
			}
		})
	}
}

// changes counts the changes a version vector covers.
func changes(v store.Vector) uint64 {
	var n uint64
	for _, seq := range v {
		n += seq
	}
	return n
}

func TestList(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	seed(t, st)
	name := func(r change.Record) string { return r.ID + ":" + r.String("name") }
	got, err := List(st, "widget", name)
	if err != nil || len(got) != 1 || got[0] != "w1:first" {
		t.Fatalf("List = %q, %v; want only the live widget", got, err)
	}
	none, err := List(st, "gadget", name)
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("List of an empty kind = %#v, %v; want an empty list", none, err)
	}
}
