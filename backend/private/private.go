// Package private keeps private items on shared replicas: records about a
// technician whose content is sealed to the lead who wrote them and, when shared,
// to the technician, with only the routing fields (who it is about, who wrote it)
// in the clear. Coaching items, quality reviews and improvement plans are private
// items; every device stores and forwards them, only their readers open them.
package private

import (
	"errors"
	"fmt"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/sealed"
	"outpost/backend/core/store"
	"outpost/backend/person"
)

// Record fields every private item has. Only subject and author are readable without a key.
const (
	FieldSubject = "subject" // technician profile ID the item is about
	FieldAuthor  = "author"  // person ID of the lead who wrote it
	FieldSealed  = "sealed"  // sealed.Box of the item's content
)

// Content is what an item seals: normalised and checked before every seal.
type Content interface {
	Normalize(today time.Time)
	Validate() error
}

// Kind describes one kind of private item and how its errors read.
type Kind struct {
	Kind string // record kind in the store
	Noun string // what errors call an item: "add <Noun>: ...", "change <Noun>: ..."
	// Missing is the error for item id when it does not exist, was deleted, or is
	// not readable by this person.
	Missing func(id string) error
	// NotAllowed is the error for a write by someone who may not make it.
	NotAllowed error
	// TooLarge, when set, is the error for content too large to seal (instead of
	// sealed.ErrTooLarge wrapped).
	TooLarge error
}

// Items reads and writes private items of one kind, with content C, as the person
// bound to this device.
type Items[C any, P interface {
	*C
	Content
}] struct {
	kind   Kind
	st     *store.Store
	people *person.Service
	now    func() time.Time
}

// New returns private items of kind k on st, acting as people's current person;
// now dates content when it is normalised.
func New[C any, P interface {
	*C
	Content
}](st *store.Store, people *person.Service, now func() time.Time, k Kind) *Items[C, P] {
	return &Items[C, P]{kind: k, st: st, people: people, now: now}
}

// Writer returns this device's person when they may write private items.
func (it *Items[C, P]) Writer() (person.Person, error) {
	me, _, err := it.people.Current()
	if err != nil {
		return person.Person{}, err
	}
	if !me.Role.CanCoach() {
		return person.Person{}, it.kind.NotAllowed
	}
	return me, nil
}

// Reader returns this device's person with the key that opens what is sealed to them.
func (it *Items[C, P]) Reader() (Reader, error) {
	me, key, err := it.people.Current()
	if err != nil {
		return Reader{}, err
	}
	return Reader{Me: me, Key: key}, nil
}

// Readers returns who an item about techID is sealed to: its author, and the
// technician's people when shared.
func (it *Items[C, P]) Readers(author person.Person, techID string, shared bool) ([]sealed.Reader, error) {
	rs := []sealed.Reader{author.Reader()}
	if !shared {
		return rs, nil
	}
	techs, err := it.people.ForTechnician(techID)
	if err != nil {
		return nil, fmt.Errorf("find the technician's people: %w", err)
	}
	if len(techs) == 0 {
		return nil, field.Errorf("shared", "this technician has not set up Outpost as a person yet, so there is no key to share with")
	}
	for _, t := range techs {
		rs = append(rs, t.Reader())
	}
	return rs, nil
}

// IsShared reports whether box is sealed to anyone besides its author.
func IsShared(box sealed.Box, author string) bool {
	for _, r := range box.Readers {
		if r != author {
			return true
		}
	}
	return false
}

// seal seals c to rs.
func (it *Items[C, P]) seal(c C, rs []sealed.Reader) (sealed.Box, error) {
	box, err := sealed.Seal(c, rs)
	if it.kind.TooLarge != nil && errors.Is(err, sealed.ErrTooLarge) {
		return box, it.kind.TooLarge
	}
	return box, err
}

// Reseal seals c to the readers of me's item r (its author, and the technician's
// people when shared) and returns the write naming every head of r's sealed
// register, so that saving also settles a concurrent edit.
func (it *Items[C, P]) Reseal(me person.Person, r change.Record, c C, shared bool) (change.Op, error) {
	rs, err := it.Readers(me, r.String(FieldSubject), shared)
	if err != nil {
		return change.Op{}, err
	}
	box, err := it.seal(c, rs)
	if err != nil {
		return change.Op{}, err
	}
	return change.Set(FieldSealed, box, r.Heads(FieldSealed))
}

// Writable reads item id inside tx for an edit by me: it must exist, be readable
// by me and be mine. It returns the record and its current sealed box.
func (it *Items[C, P]) Writable(tx *store.Tx, me person.Person, id string) (change.Record, sealed.Box, error) {
	var box sealed.Box
	r, err := tx.Get(it.kind.Kind, id)
	if record.Gone(r, err) {
		return r, box, it.kind.Missing(id)
	}
	if err != nil {
		return r, box, err
	}
	if _, err := r.Get(FieldSealed, &box); err != nil || !box.Has(me.ID) {
		return r, box, it.kind.Missing(id)
	}
	if r.String(FieldAuthor) != me.ID {
		return r, box, it.kind.NotAllowed
	}
	return r, box, nil
}
