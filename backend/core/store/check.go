package store

import "outpost/backend/core/change"

// Checker decides whether a change may be made: nil, or why not. The roles of a team
// are one (see backend/roles). It is called for every change this device writes,
// inside its transaction, and must not write.
type Checker func(c *change.Change) error

// SetChecker installs the checker of this device's own writes: a change it refuses
// is not written and the action fails with its error.
func (s *Store) SetChecker(fn Checker) { s.checker.Store(&fn) }

func (s *Store) check(c *change.Change) error {
	if fn := s.checker.Load(); fn != nil && *fn != nil {
		return (*fn)(c)
	}
	return nil
}
