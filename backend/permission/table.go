// Package permission says who may change what in a team: the roles, the rights
// each role holds (defaults that fit a small team, adjustable by owners), the grants
// and revocations that give persons roles, and the rule every replica applies to
// each change to decide whether its author held the right at that change. It is
// pure: the store feeds it records and changes and keeps its verdicts.
package permission

import "slices"

// Role is what a person may do in the team.
type Role string

// Roles, most rights first.
const (
	Owner       Role = "owner"
	Lead        Role = "lead"
	Coordinator Role = "coordinator"
	Technician  Role = "technician"
)

var roles = []Role{Owner, Lead, Coordinator, Technician}

// Roles lists the roles, most rights first; the slice is the caller's own.
func Roles() []Role { return slices.Clone(roles) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(roles, r) }

// Right is something a role may do.
type Right string

// Rights.
const (
	WorkTickets      Right = "tickets.work"       // open, edit, comment, assign, resolve tickets; SOP edits; visits
	ManageSLA        Right = "sla.manage"         // the SLA policy, business hours, holidays
	ManageTeam       Right = "technicians.manage" // technician profiles, onboarding, categories, resolution codes
	ManageDevices    Right = "devices.manage"     // remove devices, rotate the team key
	DeleteRecords    Right = "records.delete"     // delete tickets and SOPs
	ManageEscalation Right = "escalation.manage"  // escalation paths, vendors and their agreements
	ManageMail       Right = "mail.manage"        // team mailboxes
	ReadReports      Right = "reports.read"       // the reports and the weekly summary
	WriteCoaching    Right = "coaching.write"     // coaching notes, reviews, improvement plans
	ManageRoles      Right = "roles.manage"       // grant and revoke roles, bind devices, change this table
)

// Row is one line of the permissions table: a right, in words, and the roles that hold it.
type Row struct {
	Right Right  `json:"right"`
	What  string `json:"what"`
	Roles []Role `json:"roles"`
}

// Defaults is the table a team starts with.
var defaults = []Row{
	{WorkTickets, "Work tickets: open, edit, comment, assign, resolve; edit SOPs; plan visits", []Role{Owner, Lead, Coordinator, Technician}},
	{ReadReports, "Read the reports and the weekly summary", []Role{Owner, Lead, Coordinator}},
	{ManageSLA, "Change the SLA policy, business hours and holidays", []Role{Owner, Lead}},
	{ManageTeam, "Manage technician profiles, categories, resolution codes and onboarding", []Role{Owner, Lead, Coordinator}},
	{ManageEscalation, "Edit escalation paths, vendors and their agreements", []Role{Owner, Lead, Coordinator}},
	{DeleteRecords, "Delete tickets and SOPs", []Role{Owner, Lead}},
	{WriteCoaching, "Write coaching notes, quality reviews and improvement plans", []Role{Owner, Lead}},
	{ManageMail, "Set up the team's mailboxes", []Role{Owner, Lead}},
	{ManageDevices, "Remove devices and rotate the team key", []Role{Owner}},
	{ManageRoles, "Grant and revoke roles, and change this table", []Role{Owner}},
}

// Defaults returns the default table; the slices are the caller's own.
func Defaults() []Row {
	out := make([]Row, len(defaults))
	for i, r := range defaults {
		out[i] = Row{Right: r.Right, What: r.What, Roles: slices.Clone(r.Roles)}
	}
	return out
}

// Table is a team's permissions: the defaults with the owners' adjustments.
type Table map[Right][]Role

// DefaultTable returns the defaults as a Table.
func DefaultTable() Table {
	t := Table{}
	for _, r := range defaults {
		t[r.Right] = slices.Clone(r.Roles)
	}
	return t
}

// Allows reports whether role r holds right x. Owners hold every right, whatever the
// table says, so a team can never lock its owners out.
func (t Table) Allows(r Role, x Right) bool {
	return r == Owner || slices.Contains(t[x], r)
}

// Rows is the table in the defaults' order, for the README and the app.
func (t Table) Rows() []Row {
	out := Defaults()
	for i := range out {
		if roles, ok := t[out[i].Right]; ok {
			out[i].Roles = slices.Clone(roles)
		}
	}
	return out
}

// Who lists the roles that hold right x, for "this needs ..." messages.
func (t Table) Who(x Right) []Role {
	out := []Role{Owner}
	for _, r := range t[x] {
		if r != Owner && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
