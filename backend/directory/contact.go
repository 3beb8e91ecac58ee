// Package directory keeps the team's contact directory (requesters, sites,
// other teams, vendors), vendor support agreements, and vendor cases with
// follow-ups that surface when they fall due.
package directory

import (
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// Record kinds in the store.
const (
	KindContact    = "contact"
	KindAgreement  = "agreement"
	KindVendorCase = "vendor-case"
)

// Limits on directory input.
const (
	MaxShort = 200
	MaxText  = 4000
)

// ContactType says what a contact is.
type ContactType string

// Contact types.
const (
	ContactRequester ContactType = "requester"
	ContactSite      ContactType = "site"
	ContactTeam      ContactType = "team"
	ContactVendor    ContactType = "vendor"
)

// Valid reports whether t is a known contact type.
func (t ContactType) Valid() bool {
	switch t {
	case ContactRequester, ContactSite, ContactTeam, ContactVendor:
		return true
	}
	return false
}

// ContactInput is a contact as a person edits it.
type ContactInput struct {
	Name         string      `json:"name"`
	Type         ContactType `json:"type"`
	Organisation string      `json:"organisation"`
	Email        string      `json:"email"`
	Phone        string      `json:"phone"`
	Address      string      `json:"address"`
	Hours        string      `json:"hours"`     // when they can be reached, in their words
	Preferred    string      `json:"preferred"` // how they prefer to be reached: phone, email, portal, in person
	Notes        string      `json:"notes"`
}

// Contact is a directory entry.
type Contact struct {
	ID string `json:"id"`
	ContactInput
	Updated   time.Time `json:"updated"`
	Conflicts []string  `json:"conflicts"`
}

var contactFields = []string{"name", "type", "organisation", "email", "phone", "address", "hours", "preferred", "notes"}

func (in *ContactInput) values() []string {
	return []string{in.Name, string(in.Type), in.Organisation, in.Email, in.Phone, in.Address, in.Hours, in.Preferred, in.Notes}
}

func (in *ContactInput) normalize() {
	for _, p := range []*string{&in.Name, &in.Organisation, &in.Email, &in.Phone, &in.Address, &in.Hours, &in.Preferred, &in.Notes} {
		*p = strings.TrimSpace(*p)
	}
	in.Type = ContactType(strings.ToLower(strings.TrimSpace(string(in.Type))))
	in.Email = strings.ToLower(in.Email)
	in.Preferred = strings.ToLower(in.Preferred)
}

func (in *ContactInput) validate() error {
	if err := field.First(
		field.Text("name", in.Name, MaxShort, true, false),
		field.Text("organisation", in.Organisation, MaxShort, false, false),
		field.Text("email", in.Email, MaxShort, false, false),
		field.Text("phone", in.Phone, MaxShort, false, false),
		field.Text("address", in.Address, MaxText, false, true),
		field.Text("hours", in.Hours, MaxShort, false, false),
		field.Text("notes", in.Notes, MaxText, false, true),
	); err != nil {
		return err
	}
	if !in.Type.Valid() {
		return field.Errorf("type", "must be requester, site, team or vendor, not %q", in.Type)
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " ,;")) {
		return field.Errorf("email", "%q is not an email address", in.Email)
	}
	switch in.Preferred {
	case "", "phone", "email", "portal", "in person", "chat":
	default:
		return field.Errorf("preferred", "must be phone, email, portal, chat or in person")
	}
	if in.Email == "" && in.Phone == "" && in.Address == "" {
		return field.Errorf("phone", "give at least one way to reach them: a phone number, an email address or an address")
	}
	return nil
}

func contactFromRecord(r change.Record) Contact {
	c := Contact{ID: r.ID, Updated: r.Updated.Time(), Conflicts: r.Conflicts()}
	vals := make([]string, len(contactFields))
	for i, f := range contactFields {
		vals[i] = r.String(f)
	}
	c.Name, c.Type, c.Organisation, c.Email, c.Phone = vals[0], ContactType(vals[1]), vals[2], vals[3], vals[4]
	c.Address, c.Hours, c.Preferred, c.Notes = vals[5], vals[6], vals[7], vals[8]
	if c.Conflicts == nil {
		c.Conflicts = []string{}
	}
	return c
}

// fMovedTo names, on a retired contact, the record that took its place.
const fMovedTo = "movedTo"

// RetireContact deletes contact id inside tx as moved to record to: requesters left the
// contact directory for the requester directory (backend/requester), which migrates them.
// A contact already retired is not written.
func RetireContact(tx *store.Tx, id, to string) error {
	r, err := tx.Get(KindContact, id)
	if record.Gone(r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	ops := &change.Ops{}
	ops.Put(r, fMovedTo, to)
	ops.Put(r, change.FieldDeleted, true)
	list, err := ops.List()
	if err != nil {
		return err
	}
	_, err = tx.Write(KindContact, id, list)
	return err
}
