// Package technician implements the technician profile: contact, role, tier,
// skills, working hours and time off, and when a technician is at work.
package technician

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/schedule"
)

// Kind is the record kind of technicians in the store.
const Kind = "technician"

// ErrNotFound reports a technician that does not exist (or was deleted).
// It wraps store.ErrNotFound, so callers that know only the store still recognise it.
var ErrNotFound = fmt.Errorf("technician %w", store.ErrNotFound)

// Record fields of a technician.
//
// Contact, role, tier, hours and flags are registers: a profile edit writes only the
// fields it changes, so two people editing different fields never collide, and a
// real concurrent edit of one field is flagged. Hours are one register because a
// week of shifts only makes sense as a whole.
//
// Skills and time off are add-wins sets. A skill is the element "name:level":
// a lead adding "wifi" on one laptop while another adds "printers" keeps both, and a
// removal only removes what its author saw. Two concurrent level changes of one skill
// leave both elements; the higher level is read until the next edit settles it.
// Each time off entry is its JSON encoding, so concurrent entries never overwrite each other.
const (
	fName    = "name"
	fEmail   = "email"
	fPhone   = "phone"
	fRole    = "role"
	fTier    = "tier"
	fSkills  = "skills"
	fHours   = "hours"
	fTimeOff = "timeOff"
	fOnSite  = "onSite"
	fActive  = "active"
)

// Role is what a person does in the team.
type Role string

// Roles.
const (
	RoleTechnician  Role = "technician"
	RoleLead        Role = "lead"
	RoleCoordinator Role = "coordinator"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleTechnician, RoleLead, RoleCoordinator:
		return true
	}
	return false
}

// Technician is a profile as a person sees it.
type Technician struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Email     string             `json:"email"`
	Phone     string             `json:"phone"`
	Role      Role               `json:"role"`
	Tier      int                `json:"tier"`
	Skills    map[string]int     `json:"skills"` // skill -> level 1..5
	Hours     schedule.Hours     `json:"hours"`
	TimeOff   []schedule.TimeOff `json:"timeOff"`
	OnSite    bool               `json:"onSite"` // a field technician who goes on site visits
	Active    bool               `json:"active"`
	OpenLoad  int                `json:"openLoad"` // open tickets assigned now (derived from the queue)
	Created   time.Time          `json:"created"`
	Updated   time.Time          `json:"updated"`
	CreatedBy string             `json:"createdBy"`
	Conflicts []string           `json:"conflicts"` // fields edited concurrently on two devices
}

// FromRecord reads a technician out of its merged record. Values written by a
// peer that do not decode are left empty rather than failing the read.
func FromRecord(r change.Record) Technician {
	t := Technician{
		ID:        r.ID,
		Name:      r.String(fName),
		Email:     r.String(fEmail),
		Phone:     r.String(fPhone),
		Role:      Role(r.String(fRole)),
		Tier:      r.Int(fTier),
		OnSite:    r.Bool(fOnSite),
		Active:    r.Bool(fActive),
		Created:   r.Created.Time(),
		Updated:   r.Updated.Time(),
		CreatedBy: r.CreatedBy,
		Conflicts: nonNil(r.Conflicts()),
		Skills:    map[string]int{},
		TimeOff:   []schedule.TimeOff{},
	}
	for _, e := range r.Members(fSkills) {
		name, level, ok := parseSkill(e)
		if ok && level > t.Skills[name] {
			t.Skills[name] = level
		}
	}
	if _, err := r.Get(fHours, &t.Hours); err != nil {
		t.Hours = schedule.Hours{}
	}
	if t.Hours.Shifts == nil {
		t.Hours.Shifts = []schedule.Shift{}
	}
	for _, e := range r.Members(fTimeOff) {
		var o schedule.TimeOff
		if json.Unmarshal([]byte(e), &o) == nil {
			t.TimeOff = append(t.TimeOff, o)
		}
	}
	slices.SortFunc(t.TimeOff, func(a, b schedule.TimeOff) int { return strings.Compare(a.From, b.From) })
	return t
}

// Schedule returns the technician's working hours and time off.
func (t Technician) Schedule() schedule.Schedule {
	return schedule.Schedule{Hours: t.Hours, TimeOff: t.TimeOff}.Resolved()
}

// OnShift reports whether an active technician is working at t: inside their hours,
// read in their time zone, and not on time off.
func (t Technician) OnShift(at time.Time) bool { return t.Active && t.Schedule().OnShift(at) }

// SkillNames returns the technician's skills, sorted.
func (t Technician) SkillNames() []string { return slices.Sorted(maps.Keys(t.Skills)) }

// IsNotFound reports whether err says a technician does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func skillElem(name string, level int) string { return name + ":" + strconv.Itoa(level) }

func parseSkill(e string) (string, int, bool) {
	name, lv, ok := strings.Cut(e, ":")
	n, err := strconv.Atoi(lv)
	if !ok || err != nil || n < 1 || n > MaxLevel || name == "" {
		return "", 0, false
	}
	return name, n, true
}

func timeOffElem(o schedule.TimeOff) string {
	b, _ := json.Marshal(o) // a struct of strings always encodes
	return string(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
