package review

import "errors"

// Errors callers branch on (improvement plans share them).
var (
	// ErrNotFound is a record that does not exist, was deleted, or is not readable by this person.
	ErrNotFound = errors.New("not found, or not shared with you")
	// ErrNotAllowed is a write by someone who may not make it.
	ErrNotAllowed = errors.New("only a lead or coordinator can write reviews and plans, and only their author can change them")
)
