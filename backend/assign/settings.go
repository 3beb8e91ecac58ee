package assign

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"outpost/backend/core/field"
)

// DefaultMaxOpen is the open-ticket limit when the team has not set one.
const DefaultMaxOpen = 8

// Limits on the settings.
const (
	MaxCategories        = 100
	MaxSkillsPerCategory = 10
	MaxSkillName         = 40
)

// Settings are the team's assignment rules: the skills each ticket category needs,
// and how many open tickets a technician may hold before suggestions skip them.
type Settings struct {
	Categories map[string][]string `json:"categories"`
	MaxOpen    int                 `json:"maxOpen"`
}

// DefaultSettings is what a new team starts with.
func DefaultSettings() Settings {
	return Settings{MaxOpen: DefaultMaxOpen, Categories: map[string][]string{
		"network":  {"networking"},
		"vpn":      {"vpn", "networking"},
		"wifi":     {"wifi", "networking"},
		"hardware": {"hardware"},
		"printer":  {"printers", "hardware"},
		"software": {"software"},
		"email":    {"email"},
		"account":  {"identity"},
		"access":   {"identity"},
		"security": {"security"},
		"phone":    {"telephony"},
		"server":   {"servers"},
	}}
}

// SkillsFor returns the skills a category needs; none when the category is not mapped.
func (s Settings) SkillsFor(category string) []string {
	return s.Categories[strings.ToLower(strings.TrimSpace(category))]
}

// Normalize lower-cases and trims names, drops empty and repeated skills.
func (s *Settings) Normalize() {
	cats := make(map[string][]string, len(s.Categories))
	for c, skills := range s.Categories {
		c = strings.ToLower(strings.TrimSpace(c))
		var out []string
		for _, sk := range skills {
			sk = strings.ToLower(strings.TrimSpace(sk))
			if sk != "" && !slices.Contains(out, sk) {
				out = append(out, sk)
			}
		}
		if c != "" {
			cats[c] = append(cats[c], out...)
		}
	}
	s.Categories = cats
	if s.MaxOpen == 0 {
		s.MaxOpen = DefaultMaxOpen
	}
}

// Validate reports the first invalid field.
func (s *Settings) Validate() error {
	if s.MaxOpen < 1 || s.MaxOpen > 1000 {
		return field.Relabel(field.Errorf("maxOpen", "must be from 1 to 1000"), "Open-ticket limit per technician")
	}
	if len(s.Categories) > MaxCategories {
		return field.Errorf("categories", "has %d categories; the limit is %d", len(s.Categories), MaxCategories)
	}
	for _, c := range slices.Sorted(maps.Keys(s.Categories)) {
		if err := field.Text("categories", c, 200, true, false); err != nil {
			return fmt.Errorf("category %q: %w", c, err)
		}
		if len(s.Categories[c]) > MaxSkillsPerCategory {
			return field.Errorf("categories", "category %q lists %d skills; the limit is %d", c, len(s.Categories[c]), MaxSkillsPerCategory)
		}
		for _, sk := range s.Categories[c] {
			if err := field.Text("categories", sk, MaxSkillName, true, false); err != nil {
				return fmt.Errorf("category %q: %w", c, err)
			}
			if strings.ContainsAny(sk, ":,") {
				return field.Errorf("categories", "skill %q may not contain a colon or comma", sk)
			}
		}
	}
	return nil
}
