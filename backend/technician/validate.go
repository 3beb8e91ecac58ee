package technician

import (
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"

	"outpost/backend/core/field"
	"outpost/backend/schedule"
)

// Limits on a profile.
const (
	MaxName   = 100
	MaxShort  = 200
	MaxSkills = 30
	MaxSkill  = 40
	MaxLevel  = 5
	// maxTimeOffElem keeps one encoded time off entry inside a set element.
	maxTimeOffElem = 500
)

// Profile is what a person fills in for a technician.
type Profile struct {
	Name    string             `json:"name"`
	Email   string             `json:"email"`
	Phone   string             `json:"phone"`
	Role    Role               `json:"role"`
	Tier    int                `json:"tier"`
	Skills  map[string]int     `json:"skills"`
	Hours   schedule.Hours     `json:"hours"`
	TimeOff []schedule.TimeOff `json:"timeOff"`
	OnSite  bool               `json:"onSite"`
}

// Normalize trims text, lower-cases skill names and fills defaults.
func (p *Profile) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Email = strings.TrimSpace(p.Email)
	p.Phone = strings.TrimSpace(p.Phone)
	p.Hours.Zone = strings.TrimSpace(p.Hours.Zone)
	if p.Role == "" {
		p.Role = RoleTechnician
	}
	if p.Tier == 0 {
		p.Tier = 1
	}
	skills := make(map[string]int, len(p.Skills))
	for name, level := range p.Skills {
		name = NormalizeSkill(name)
		if name != "" && level > skills[name] {
			skills[name] = level
		}
	}
	p.Skills = skills
	if p.Hours.Shifts == nil {
		p.Hours.Shifts = []schedule.Shift{}
	}
	for i := range p.TimeOff {
		p.TimeOff[i].From = strings.TrimSpace(p.TimeOff[i].From)
		p.TimeOff[i].To = strings.TrimSpace(p.TimeOff[i].To)
		p.TimeOff[i].Note = strings.TrimSpace(p.TimeOff[i].Note)
	}
}

// NormalizeSkill returns the canonical form of a skill name.
func NormalizeSkill(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidSkill checks one skill name.
func ValidSkill(name, s string) error {
	if err := field.Text(name, s, MaxSkill, true, false); err != nil {
		return err
	}
	if strings.ContainsAny(s, ":,") {
		return field.Errorf(name, "skill %q may not contain a colon or comma", s)
	}
	return nil
}

// Validate reports the first invalid field.
func (p *Profile) Validate() error {
	err := field.First(
		field.Text("name", p.Name, MaxName, true, false),
		field.Relabel(field.Text("email", p.Email, MaxShort, false, false), "E-mail"),
		field.Text("phone", p.Phone, MaxShort, false, false),
	)
	if err != nil {
		return err
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			return field.Relabel(field.Errorf("email", "is not an e-mail address such as ana@example.com"), "E-mail")
		}
	}
	if !p.Role.Valid() {
		return field.Errorf("role", "must be technician, lead or coordinator, not %q", p.Role)
	}
	if p.Tier < 1 || p.Tier > 3 {
		return field.Errorf("tier", "must be 1, 2 or 3")
	}
	if len(p.Skills) > MaxSkills {
		return field.Errorf("skills", "has %d skills; the limit is %d", len(p.Skills), MaxSkills)
	}
	for _, name := range slices.Sorted(maps.Keys(p.Skills)) {
		if err := ValidSkill("skills", name); err != nil {
			return err
		}
		if l := p.Skills[name]; l < 1 || l > MaxLevel {
			return field.Errorf("skills", "level of %q must be from 1 to %d", name, MaxLevel)
		}
	}
	if err := (schedule.Schedule{Hours: p.Hours, TimeOff: p.TimeOff}).Validate(); err != nil {
		return err
	}
	for i, o := range p.TimeOff {
		if len(timeOffElem(o)) > maxTimeOffElem {
			return field.Relabel(field.Errorf(fmt.Sprintf("timeOff[%d].note", i), "is too long"), schedule.TimeOffLabel(i, "note"))
		}
	}
	return nil
}
