package private

import (
	"context"
	"fmt"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/person"
)

// Create writes a new item about technician techID with content c, sealed to its
// author and, when share is set, to the technician's people.
func (it *Items[C, P]) Create(ctx context.Context, techID string, c C, share bool) (change.Record, error) {
	me, err := it.Writer()
	if err != nil {
		return change.Record{}, err
	}
	if !change.ValidName(techID) {
		return change.Record{}, field.Relabel(field.Errorf("technicianId", "choose a technician"), "Technician")
	}
	P(&c).Normalize(it.now())
	if err := P(&c).Validate(); err != nil {
		return change.Record{}, err
	}
	rs, err := it.Readers(me, techID, share)
	if err != nil {
		return change.Record{}, err
	}
	box, err := it.seal(c, rs)
	if err != nil {
		return change.Record{}, fmt.Errorf("add %s: %w", it.kind.Noun, err)
	}
	id := store.NewID()
	var rec change.Record
	_, err = it.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		ops := change.Ops{}
		ops.Set(FieldSubject, techID, nil)
		ops.Set(FieldAuthor, me.ID, nil)
		ops.Set(FieldSealed, box, nil)
		list, err := ops.List()
		if err != nil {
			return err
		}
		rec, err = tx.Write(it.kind.Kind, id, list)
		return err
	})
	if err != nil {
		return change.Record{}, fmt.Errorf("add %s: %w", it.kind.Noun, err)
	}
	return rec, nil
}

// Edit opens item id for its author, lets fn change its content and whether it is
// shared, and seals the result again as one write naming every head of the sealed
// register: saving also settles a concurrent edit. more are written in the same change
// (the clear item naming a sealed file's ciphertext, say).
func (it *Items[C, P]) Edit(ctx context.Context, id string, fn func(cur P, shared *bool) error, more ...change.Op) (change.Record, error) {
	me, err := it.Writer()
	if err != nil {
		return change.Record{}, err
	}
	rd, err := it.Reader()
	if err != nil {
		return change.Record{}, err
	}
	var rec change.Record
	_, err = it.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, box, err := it.Writable(tx, me, id)
		if err != nil {
			return err
		}
		var cur C
		if err := box.Open(rd.Key, &cur); err != nil {
			return fmt.Errorf("open %s %s: %w", it.kind.Noun, id, err)
		}
		shared := IsShared(box, me.ID)
		if err := fn(&cur, &shared); err != nil {
			return err
		}
		P(&cur).Normalize(it.now())
		if err := P(&cur).Validate(); err != nil {
			return err
		}
		op, err := it.Reseal(me, r, cur, shared)
		if err != nil {
			return err
		}
		rec, err = tx.Write(it.kind.Kind, id, append([]change.Op{op}, more...))
		return err
	})
	if err != nil {
		return change.Record{}, fmt.Errorf("change %s: %w", it.kind.Noun, err)
	}
	return rec, nil
}

// Delete marks item id deleted (a tombstone) when it is me's, who is the Writer;
// its sealed history stays sealed.
func (it *Items[C, P]) Delete(ctx context.Context, me person.Person, id string) error {
	_, err := it.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, _, err := it.Writable(tx, me, id)
		if err != nil {
			return err
		}
		op, err := change.Set(change.FieldDeleted, true, r.Heads(change.FieldDeleted))
		if err != nil {
			return err
		}
		_, err = tx.Write(it.kind.Kind, id, []change.Op{op})
		return err
	})
	return err
}
