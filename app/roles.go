package app

import (
	"os"
	"outpost/app/atomicfile"
	"path/filepath"
	"slices"
	"sort"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/permission"
	"outpost/backend/roles"
	"outpost/sync/team"
)

// openRoles starts the team's roles and makes the store refuse changes their authors'
// roles do not allow. In a team, the team's creating device is the first owner; a
// device in no team, and a team made before roles (no owner named), restrict nothing.
func (a *App) openRoles() {
	a.roles = roles.NewService(a.st, a.genesis)
	a.st.SetChecker(a.roles)
	a.Roles = &RoleService{a: a}
	a.rejudgeIfOwnerChanged()
}

func (a *App) genesis() string {
	tm, err := team.Load(a.cfg.DataDir)
	if err != nil {
		return ""
	}
	return tm.Owner
}

// verdictsFile remembers under which team owner the replica's verdicts were taken
// (derived: without it they are all taken again once).
const verdictsFile = "verdicts-owner"

// rejudgeIfOwnerChanged takes every verdict again when the team's owner is not the
// one the verdicts were taken under (the device created, joined or left a team, here
// or with the CLI): the owner, and so every role, may be another now.
func (a *App) rejudgeIfOwnerChanged() {
	owner := a.genesis()
	path := filepath.Join(a.cfg.DataDir, verdictsFile)
	if b, err := os.ReadFile(path); err == nil && string(b) == "owner:"+owner {
		return
	}
	a.roles.Reset()
	if err := a.st.Rejudge(); err != nil {
		a.log.Error("take verdicts again after the team changed", "err", err)
		return
	}
	if err := atomicfile.Write(path, []byte("owner:"+owner)); err != nil {
		a.log.Warn("remember the team owner of the verdicts", "err", err)
	}
}

// RoleService is who may do what in the team, as bound to the UI.
type RoleService struct{ a *App }

// RoleMember is a device of the team with its roles.
type RoleMember struct {
	Device string            `json:"device"`
	Name   string            `json:"name"`
	This   bool              `json:"this"`
	Roles  []permission.Role `json:"roles"`
}

// RolesView is the team's roles as the UI shows them.
type RolesView struct {
	Open    bool               `json:"open"` // a team made before roles: nothing is restricted
	Table   []permission.Row   `json:"table"`
	Members []RoleMember       `json:"members"`
	Owners  []string           `json:"owners"`
	Mine    []permission.Role  `json:"mine"`
	Rights  []permission.Right `json:"rights"` // what this device may do now
	// Rejected are grants and table changes written by devices without the right.
	Rejected []permission.Event       `json:"rejected"`
	Refused  []permission.PolicyEvent `json:"refused"`
	// Changes are the changes this replica holds but refused: who, when, what, why.
	Changes []store.Refusal `json:"changes"`
}

// View returns the permissions table, the members and their roles, and what this device may do.
func (s *RoleService) View() (RolesView, error) {
	st, err := s.a.roles.State()
	if err != nil {
		return RolesView{}, s.a.userError("roles", err)
	}
	now := s.a.st.Clock().Now()
	table := st.Table(now)
	me := s.a.st.Device().ID
	v := RolesView{Open: st.Open(), Table: table.Rows(), Owners: nonNilStrings(st.Owners()),
		Mine: st.Roles(me, ^uint64(0), now), Rejected: st.Rejected, Refused: st.Refused, Members: []RoleMember{}, Rights: []permission.Right{}}
	for _, row := range v.Table {
		if s.a.roles.May(row.Right) == nil {
			v.Rights = append(v.Rights, row.Right)
		}
	}
	err = s.a.st.Scan(store.KindDevice, func(r change.Record) error {
		if !r.Deleted() {
			v.Members = append(v.Members, RoleMember{Device: r.ID, Name: r.String(store.FieldDeviceName), This: r.ID == me,
				Roles: st.Roles(r.ID, ^uint64(0), now)})
		}
		return nil
	})
	sort.Slice(v.Members, func(i, j int) bool { return v.Members[i].Name < v.Members[j].Name })
	if v.Changes, err = s.a.st.Refused(); err != nil {
		return RolesView{}, s.a.userError("roles", err)
	}
	if v.Changes == nil {
		v.Changes = []store.Refusal{}
	}
	if v.Rejected == nil {
		v.Rejected = []permission.Event{}
	}
	if v.Refused == nil {
		v.Refused = []permission.PolicyEvent{}
	}
	return v, s.a.userError("roles", err)
}

// Grant gives a device a role (owner, lead or coordinator).
func (s *RoleService) Grant(device string, role permission.Role) error {
	return s.a.userError("grant role", s.a.roles.Grant(s.a.ctx, s.a.me(), device, s.deviceName(device), role))
}

// Revoke takes a role from a device.
func (s *RoleService) Revoke(device string, role permission.Role) error {
	return s.a.userError("revoke role", s.a.roles.Revoke(s.a.ctx, s.a.me(), device, role))
}

// SetTable changes which roles hold a right (owners always hold every right).
func (s *RoleService) SetTable(right permission.Right, roles []permission.Role) error {
	return s.a.userError("change permissions", s.a.roles.SetTable(s.a.ctx, s.a.me(), right, roles))
}

func (s *RoleService) deviceName(id string) string {
	if r, err := s.a.st.Get(store.KindDevice, id); err == nil {
		return r.String(store.FieldDeviceName)
	}
	return ""
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
