package private

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/record"
	"outpost/backend/core/sealed"
	"outpost/backend/person"
)

// Reader is this device's person with the key that opens what is sealed to them.
type Reader struct {
	Me  person.Person
	Key age.Identity
}

// OpenRaw decodes raw as a sealed box and opens it into v; it reports false when
// raw is not a box, is not sealed to rd, or cannot be opened (a version or entry
// this person cannot read stays unseen).
func (rd Reader) OpenRaw(raw json.RawMessage, v any) bool {
	var box sealed.Box
	return json.Unmarshal(raw, &box) == nil && box.Has(rd.Me.ID) && box.Open(rd.Key, v) == nil
}

// Opened is an item as its reader sees it: the routing fields and the content of
// its current version.
type Opened[C any] struct {
	ID           string
	TechnicianID string
	AuthorID     string
	Content      C
	Shared       bool // sealed to the technician as well as the author
	Mine         bool // written by the reader
	Created      time.Time
}

// open decrypts record r for rd. It fails with sealed.ErrNotReader when the
// current version is not sealed to them, and with sealed.ErrDamaged when it
// cannot be opened.
func (it *Items[C, P]) open(rd Reader, r change.Record) (Opened[C], error) {
	var box sealed.Box
	if _, err := r.Get(FieldSealed, &box); err != nil {
		return Opened[C]{}, fmt.Errorf("%w: %v", sealed.ErrDamaged, err)
	}
	if !box.Has(rd.Me.ID) {
		return Opened[C]{}, sealed.ErrNotReader
	}
	var c C
	if err := box.Open(rd.Key, &c); err != nil {
		return Opened[C]{}, err
	}
	author := r.String(FieldAuthor)
	return Opened[C]{ID: r.ID, TechnicianID: r.String(FieldSubject), AuthorID: author, Content: c,
		Shared: IsShared(box, author), Mine: author == rd.Me.ID, Created: r.Created.Time()}, nil
}

// Get reads item id: a live record, or the kind's Missing error.
func (it *Items[C, P]) Get(id string) (change.Record, error) {
	r, err := it.st.Get(it.kind.Kind, id)
	if record.Gone(r, err) {
		return r, it.kind.Missing(id)
	}
	return r, err
}

// Open opens r for this device's person; an item they cannot read is Missing.
func (it *Items[C, P]) Open(r change.Record) (Reader, Opened[C], error) {
	rd, err := it.Reader()
	if err != nil {
		return Reader{}, Opened[C]{}, err
	}
	o, err := it.open(rd, r)
	if err != nil {
		return rd, Opened[C]{}, it.kind.Missing(r.ID)
	}
	return rd, o, nil
}

// Each calls fn with every live item about technician techID ("" for all) that
// is sealed to rd. Items sealed to others are skipped without a trace; damaged
// counts the ones sealed to rd that cannot be opened.
func (it *Items[C, P]) Each(rd Reader, techID string, fn func(r change.Record, o Opened[C])) (damaged int, err error) {
	err = it.st.Scan(it.kind.Kind, func(r change.Record) error {
		if r.Deleted() || techID != "" && r.String(FieldSubject) != techID {
			return nil
		}
		o, err := it.open(rd, r)
		switch {
		case errors.Is(err, sealed.ErrNotReader):
		case err != nil:
			damaged++
		default:
			fn(r, o)
		}
		return nil
	})
	return damaged, err
}
