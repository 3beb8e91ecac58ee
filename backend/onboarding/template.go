// Package onboarding implements onboarding checklists: a template per role
// (access provisioning, training modules, documentation to read, shadowing),
// instantiated for a new technician, whose items are ticked off on any device
// and merge without loss, with progress the lead can follow.
package onboarding

import (
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/slug"
)

// Record kinds in the store.
const (
	KindTemplate = "onboarding-template"
	Kind         = "onboarding"
)

// Section groups checklist items.
type Section string

// Sections, in the order a checklist shows them.
const (
	SectionAccess    Section = "access"
	SectionTraining  Section = "training"
	SectionDocs      Section = "documentation"
	SectionShadowing Section = "shadowing"
)

// Sections lists the sections in display order.
var sections = []Section{SectionAccess, SectionTraining, SectionDocs, SectionShadowing}

// Sections lists a checklist's sections, in order; the slice is the caller's own.
func Sections() []Section { return slices.Clone(sections) }

// Valid reports whether s is a known section.
func (s Section) Valid() bool {
	for _, x := range sections {
		if s == x {
			return true
		}
	}
	return false
}

// Limits on checklist input.
const (
	MaxItems = 60
	MaxText  = 300
	maxID    = slug.MaxLen
)

// TemplateItem is one line of a checklist.
type TemplateItem struct {
	ID      string  `json:"id"`
	Section Section `json:"section"`
	Text    string  `json:"text"`
}

// Template is the checklist for one role.
type Template struct {
	Role    string         `json:"role"`
	Items   []TemplateItem `json:"items"`
	Default bool           `json:"default"` // the built-in checklist, not yet edited by the team
}

func item(id string, s Section, text string) TemplateItem {
	return TemplateItem{ID: id, Section: s, Text: text}
}

// Defaults returns the built-in checklist for role (technician, lead or coordinator).
func Defaults(role string) Template {
	items := []TemplateItem{
		item("account", SectionAccess, "Directory account and email created"),
		item("outpost", SectionAccess, "Outpost installed and joined to the team"),
		item("remote-tool", SectionAccess, "Remote support tool licence assigned"),
		item("admin-rights", SectionAccess, "Admin rights for tier-1 tasks (password resets, device enrolment)"),
		item("vpn", SectionAccess, "VPN and on-site network access"),
		item("train-queue", SectionTraining, "Ticket queue, priorities and SLA targets walkthrough"),
		item("train-escalation", SectionTraining, "Escalation paths and the handover checklist"),
		item("train-security", SectionTraining, "Security and data-handling basics"),
		item("doc-sops", SectionDocs, "Read the top 10 SOPs by use"),
		item("doc-directory", SectionDocs, "Read the contact directory and vendor agreements"),
		item("doc-sites", SectionDocs, "Read the site list and on-site visit rules"),
		item("shadow-phone", SectionShadowing, "Shadow a senior technician on the phone queue (half a day)"),
		item("shadow-visit", SectionShadowing, "Shadow an on-site visit"),
		item("reverse-shadow", SectionShadowing, "Handle tickets with a senior technician watching (reverse shadowing)"),
	}
	switch role {
	case "lead":
		items = append(items,
			item("train-reports", SectionTraining, "Reports: SLA compliance, FCR, backlog aging, trends"),
			item("train-coaching", SectionTraining, "Coaching notes, quality reviews and improvement plans"),
			item("doc-problems", SectionDocs, "Read the open problem records"),
		)
	case "coordinator":
		items = append(items,
			item("vendor-portals", SectionAccess, "Vendor support portal accounts"),
			item("train-vendors", SectionTraining, "Vendor cases, RMAs and warranty claims"),
			item("doc-agreements", SectionDocs, "Read every vendor support agreement and its expiry"),
		)
	}
	return Template{Role: role, Items: items, Default: true}
}

// TemplateID is the record ID of a role's template.
func TemplateID(role string) string { return "role-" + role }

func normalizeItems(items []TemplateItem) []TemplateItem {
	out := []TemplateItem{}
	used := map[string]bool{}
	for _, it := range items {
		it.Text = strings.TrimSpace(it.Text)
		it.ID = strings.TrimSpace(it.ID)
		if it.Text == "" {
			continue
		}
		if it.ID == "" {
			it.ID = slug.From(it.Text)
		}
		it.ID = slug.Unique(it.ID, used)
		out = append(out, it)
	}
	return out
}

func validateItems(name string, items []TemplateItem) error {
	if len(items) == 0 {
		return field.Errorf(name, "add at least one item")
	}
	if len(items) > MaxItems {
		return field.Errorf(name, "has %d items; the limit is %d", len(items), MaxItems)
	}
	for _, it := range items {
		if err := field.Text(name, it.Text, MaxText, true, false); err != nil {
			return err
		}
		if !it.Section.Valid() {
			return field.Errorf(name, "has an item (%q) whose section is not access, training, documentation or shadowing", it.Text)
		}
		if len(it.ID) > maxID+4 || !change.ValidName(it.ID) {
			return field.Errorf(name, "has an item ID (%q) with more than letters, digits, dots, dashes and underscores", it.ID)
		}
	}
	return nil
}
