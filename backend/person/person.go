// Package person is who uses a device: a replicated person record (display name,
// role, the technician profile the person is, and a public age key) and the
// person's private age identity, which stays in the data directory and leaves it
// only as a passphrase-protected export for the person's other devices.
package person

import (
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/sealed"
)

// Kind is the record kind of people in the store.
const Kind = "person"

// Record fields of a person.
const (
	fName       = "name"
	fRole       = "role"
	fTechnician = "technician"
	fRecipient  = "recipient"
)

// MaxName bounds a display name, in characters.
const MaxName = 100

// Role is what a person does in the team.
type Role string

// Roles, as the technician profile names them.
const (
	RoleTechnician  Role = "technician"
	RoleLead        Role = "lead"
	RoleCoordinator Role = "coordinator"
)

// Roles lists the valid roles in the order the UI offers them.
var roles = []Role{RoleTechnician, RoleLead, RoleCoordinator}

// Roles lists the roles, in order; the slice is the caller's own.
func Roles() []Role { return slices.Clone(roles) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(roles, r) }

// CanCoach reports whether a person with role r may write coaching items.
func (r Role) CanCoach() bool { return r == RoleLead || r == RoleCoordinator }

// Person is one member of the team as every replica sees them.
type Person struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Role         Role   `json:"role"`
	TechnicianID string `json:"technicianId"` // the technician profile this person is, or ""
	Recipient    string `json:"recipient"`    // public age key: what items are sealed to
}

// Reader returns the person as a reader of sealed items.
func (p Person) Reader() sealed.Reader { return sealed.Reader{Person: p.ID, Key: p.Recipient} }

// Profile is what a person says about themselves when setting up a device.
type Profile struct {
	Name         string `json:"name"`
	Role         Role   `json:"role"`
	TechnicianID string `json:"technicianId"`
}

// Normalize trims the profile's text.
func (p *Profile) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.TechnicianID = strings.TrimSpace(p.TechnicianID)
	p.Role = Role(strings.TrimSpace(string(p.Role)))
	if p.Role == "" {
		p.Role = RoleTechnician
	}
}

// Validate checks the profile, naming the field at fault.
func (p Profile) Validate() error {
	if err := field.Text("name", p.Name, MaxName, true, false); err != nil {
		return err
	}
	if !p.Role.Valid() {
		return field.Errorf("role", "must be technician, lead or coordinator")
	}
	if p.TechnicianID != "" && !change.ValidName(p.TechnicianID) {
		return field.Relabel(field.Errorf("technicianId", "is not one of the team's technician profiles"), "Technician profile")
	}
	return nil
}

// FromRecord reads a person record.
func FromRecord(r change.Record) Person {
	return Person{
		ID:           r.ID,
		Name:         r.String(fName),
		Role:         Role(r.String(fRole)),
		TechnicianID: r.String(fTechnician),
		Recipient:    r.String(fRecipient),
	}
}
