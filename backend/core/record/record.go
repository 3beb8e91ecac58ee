// Package record reads and edits the live records of a kind: records that exist and
// are not deleted (a tombstone). A record that is missing or deleted is not found,
// in the words of the service that owns the kind.
package record

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// Getter reads one record: a *store.Store outside a transaction, a *store.Tx inside one.
type Getter interface {
	Get(kind, id string) (change.Record, error)
}

// Gone reports whether a read of a record found nothing live: err is
// store.ErrNotFound, or the record read is deleted.
func Gone(r change.Record, err error) bool {
	return errors.Is(err, store.ErrNotFound) || err == nil && r.Deleted()
}

// Live reads record kind/id through g. A record that does not exist or is deleted
// fails with notFound, as "<notFound>: <id>"; any other error is returned as it is.
func Live(g Getter, kind, id string, notFound error) (change.Record, error) {
	r, err := g.Get(kind, id)
	if Gone(r, err) {
		return r, fmt.Errorf("%w: %s", notFound, id)
	}
	return r, err
}

// Edit runs fn on live record kind/id inside one store.Update by author, and writes
// the operations fn gathers as one change. When fn gathers none, nothing is written
// and the record is returned as it was. A missing or deleted record fails as in Live.
func Edit(ctx context.Context, st *store.Store, author, kind, id string, notFound error, fn func(change.Record, *change.Ops) error) (change.Record, error) {
	return update(ctx, st, author, kind, id, func(tx *store.Tx, ops *change.Ops) (change.Record, error) {
		return Live(tx, kind, id, notFound)
	}, fn)
}

// List returns every live record of kind in st as from makes it, in the store's
// order; none is an empty list, not nil.
func List[T any](st *store.Store, kind string, from func(change.Record) T) ([]T, error) {
	out := []T{}
	err := st.Scan(kind, func(r change.Record) error {
		if !r.Deleted() {
			out = append(out, from(r))
		}
		return nil
	})
	return out, err
}

// Upsert runs fn on record kind/id inside one store.Update by author, whether the
// record exists, was deleted (it is revived) or was never written (fn gets a zero
// record), and writes the operations fn gathers as one change. When fn gathers
// none, nothing is written and the record is returned as it was.
func Upsert(ctx context.Context, st *store.Store, author, kind, id string, fn func(change.Record, *change.Ops) error) (change.Record, error) {
	return update(ctx, st, author, kind, id, func(tx *store.Tx, ops *change.Ops) (change.Record, error) {
		r, err := tx.Get(kind, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return r, err
		}
		if r.Deleted() {
			ops.Put(r, change.FieldDeleted, false)
		}
		return r, nil
	}, fn)
}

// update reads record kind/id with read (which may gather operations of its own),
// runs fn on it, and writes every operation gathered as one change, all in one
// store.Update by author; when none were gathered nothing is written.
func update(ctx context.Context, st *store.Store, author, kind, id string,
	read func(*store.Tx, *change.Ops) (change.Record, error), fn func(change.Record, *change.Ops) error) (change.Record, error) {
	var out change.Record
	_, err := st.Update(ctx, author, func(tx *store.Tx) error {
		ops := &change.Ops{}
		r, err := read(tx, ops)
		if err != nil {
			return err
		}
		if err := fn(r, ops); err != nil {
			return err
		}
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			out = r
			return err
		}
		out, err = tx.Write(kind, id, list)
		return err
	})
	return out, err
}

// PutChanged writes v to register name of r unless it already holds exactly that
// value without a conflict, so that saving a form writes only what changed.
func PutChanged(ops *change.Ops, r change.Record, name string, v any) {
	b, err := json.Marshal(v)
	if f, ok := r.Fields[name]; err == nil && ok && len(f.Conflict) == 0 && bytes.Equal(f.Value, b) {
		return
	}
	ops.Put(r, name, v)
}
