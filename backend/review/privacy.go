package review

import (
	"errors"
	"fmt"

	"filippo.io/age"

	"outpost/backend/field"
	"outpost/backend/person"
	"outpost/backend/sealed"
)

// Errors callers branch on.
var (
	// ErrNotFound is a record that does not exist, was deleted, or is not readable by this person.
	ErrNotFound = errors.New("not found, or not shared with you")
	// ErrNotAllowed is a write by someone who may not make it.
	ErrNotAllowed = errors.New("only a lead or coordinator can write reviews and plans, and only their author can change them")
)

// Privacy decides who a private record is sealed to and opens it for this
// device's person. Reviews and improvement plans share it.
type Privacy struct{ People *person.Service }

// Writer returns this device's person when they may write private records.
func (p Privacy) Writer() (person.Person, error) {
	me, _, err := p.People.Current()
	if err != nil {
		return person.Person{}, err
	}
	if !me.Role.CanCoach() {
		return person.Person{}, ErrNotAllowed
	}
	return me, nil
}

// Key returns this device's person and the key that opens what is sealed to them.
func (p Privacy) Key() (person.Person, age.Identity, error) {
	me, key, err := p.People.Current()
	if err != nil {
		return person.Person{}, nil, err
	}
	return me, key, nil
}

// Readers returns who a record about techID is sealed to: its author, and the
// technician's people when shared.
func (p Privacy) Readers(author person.Person, techID string, shared bool) ([]sealed.Reader, error) {
	rs := []sealed.Reader{author.Reader()}
	if !shared {
		return rs, nil
	}
	techs, err := p.People.ForTechnician(techID)
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
