package requester

import (
	"errors"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
)

// Ensure returns the requester holding email (any of its addresses), or creates one with
// that address and name, inside the caller's transaction: mail intake calls it while it
// writes the ticket, so both commit together or not at all. It writes nothing when the
// requester exists. A new requester's ID derives from the address (IDFor), so two replicas
// that take in mail from one new sender write the same record and converge on one. An empty
// or unusable name becomes the address's part before the @.
func (s *Service) Ensure(tx *store.Tx, email, name string) (id string, created bool, err error) {
	email = NormalizeEmail(email)
	if !ValidEmail(email) {
		return "", false, field.Errorf("email", "%q is not an email address", email)
	}
	if id, err = s.holder(tx, email); err != nil || id != "" {
		return id, false, err
	}
	in := Input{Name: strings.Join(strings.Fields(name), " "), Emails: []string{email}}
	if in.Name == "" || field.Text("name", in.Name, MaxShort, true, false) != nil {
		in.Name, _, _ = strings.Cut(email, "@")
	}
	id = IDFor(email)
	r, err := tx.Get(Kind, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", false, err
	}
	ops := &change.Ops{}
	if err == nil && r.Deleted() {
		revive(ops, r)
	}
	putInput(ops, r, in)
	list, err := ops.List()
	if err != nil {
		return "", false, err
	}
	if _, err := tx.Write(Kind, id, list); err != nil {
		return "", false, err
	}
	return id, true, nil
}
