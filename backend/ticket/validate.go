package ticket

import (
	"strings"

	"outpost/backend/core/field"
)

// Limits on ticket input.
const (
	MaxTitle       = 200
	MaxDescription = 20000
	MaxComment     = 20000
	MaxShort       = 200
	MaxTags        = 20
	MaxTag         = 40
	MaxNote        = 4000
	MaxWorkMinutes = 24 * 60
)

// Source is how a ticket came in.
type Source string

// Sources.
const (
	SourcePhone  Source = "phone"
	SourceEmail  Source = "email"
	SourceWalkUp Source = "walk-up"
	SourceOnSite Source = "on-site"
	SourceSelf   Source = "self"
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	switch s {
	case SourcePhone, SourceEmail, SourceWalkUp, SourceOnSite, SourceSelf:
		return true
	}
	return false
}

// NewTicket is what a person fills in to open a ticket.
type NewTicket struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Requester   Requester `json:"requester"`
	RequesterID string    `json:"requesterId,omitempty"` // a requester of the directory; must exist when given
	Category    string    `json:"category"`
	Impact      Level     `json:"impact"`
	Urgency     Level     `json:"urgency"`
	Source      Source    `json:"source"`
	Tags        []string  `json:"tags"`
}

// Normalize trims whitespace and fills defaults.
func (n *NewTicket) Normalize() {
	n.Title = strings.TrimSpace(n.Title)
	n.Category = strings.TrimSpace(n.Category)
	n.Requester.Name = strings.TrimSpace(n.Requester.Name)
	n.Requester.Contact = strings.TrimSpace(n.Requester.Contact)
	n.Requester.Site = strings.TrimSpace(n.Requester.Site)
	n.RequesterID = strings.TrimSpace(n.RequesterID)
	if n.Impact == "" {
		n.Impact = Medium
	}
	if n.Urgency == "" {
		n.Urgency = Medium
	}
	if n.Source == "" {
		n.Source = SourcePhone
	}
	n.Tags = field.NormalizeTags(n.Tags)
}

// Validate reports the first invalid field.
func (n *NewTicket) Validate() error {
	return field.First(
		field.Text("title", n.Title, MaxTitle, true, false),
		field.Text("description", n.Description, MaxDescription, false, true),
		field.Relabel(field.Text("requester.name", n.Requester.Name, MaxShort, false, false), "Requester"),
		field.Relabel(field.Text("requester.contact", n.Requester.Contact, MaxShort, false, false), "Contact"),
		field.Relabel(field.Text("requester.site", n.Requester.Site, MaxShort, false, false), "Site"),
		field.Text("requesterId", n.RequesterID, MaxShort, false, false),
		field.Text("category", n.Category, MaxShort, false, false),
		validLevel("impact", n.Impact),
		validLevel("urgency", n.Urgency),
		validSource(n.Source),
		field.Tags("tags", n.Tags, MaxTags, MaxTag),
	)
}

func validLevel(name string, l Level) error {
	if !l.Valid() {
		return field.Errorf(name, "must be high, medium or low, not %q", l)
	}
	return nil
}

func validSource(s Source) error {
	if !s.Valid() {
		return field.Errorf("source", "must be phone, email, walk-up, on-site or self, not %q", s)
	}
	return nil
}
