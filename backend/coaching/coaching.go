// Package coaching keeps a lead's one-on-one notes, goals and action items per
// technician. Every item replicates to every device, but its content is sealed to
// the lead who wrote it and, when the lead shares it, to the technician: other
// devices hold ciphertext and the routing fields only (who it is about, who wrote it).
package coaching

import (
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/private"
)

// Kind is the record kind of coaching items in the store.
const Kind = "coaching"

// Record fields of a coaching item. Only subject and author are readable without a key.
const (
	fSubject = private.FieldSubject // technician profile ID the item is about
	fAuthor  = private.FieldAuthor  // person ID of the lead who wrote it
	fSealed  = private.FieldSealed  // sealed.Box of Content
)

// Limits on an item's content, in characters.
const (
	MaxTitle   = 200
	MaxBody    = 20000
	MaxTarget  = 200
	MaxTickets = 20
)

// DateLayout is how dates are written (meeting date, due date).
const DateLayout = "2006-01-02"

// Type says what a coaching item is.
type Type string

// Item types.
const (
	TypeNote   Type = "note"   // one-on-one meeting notes
	TypeGoal   Type = "goal"   // a goal, optionally with a measurable target
	TypeAction Type = "action" // an action item with a due date and a done state
)

// Content is what is sealed: nothing of it, not even the title, is readable without a reader's key.
type Content struct {
	Type    Type     `json:"type"`
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Date    string   `json:"date,omitempty"`   // notes: the meeting date
	Target  string   `json:"target,omitempty"` // goals: the measurable target
	Due     string   `json:"due,omitempty"`    // actions: due date, optional
	Done    bool     `json:"done,omitempty"`   // actions
	Tickets []string `json:"tickets,omitempty"`
	Files   []File   `json:"files,omitempty"` // attachments, sealed with the item (see File)
}

// Normalize trims text, drops duplicate and empty ticket references, and dates a note without a date.
func (c *Content) Normalize(today time.Time) {
	c.Title = strings.TrimSpace(c.Title)
	c.Target = strings.TrimSpace(c.Target)
	c.Date = strings.TrimSpace(c.Date)
	c.Due = strings.TrimSpace(c.Due)
	var tickets []string
	for _, t := range c.Tickets {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tickets, t) {
			tickets = append(tickets, t)
		}
	}
	c.Tickets = tickets
	if c.Type == TypeNote && c.Date == "" {
		c.Date = today.Format(DateLayout)
	}
	if c.Type != TypeAction {
		c.Due, c.Done = "", false
	}
	if c.Type != TypeGoal {
		c.Target = ""
	}
	if c.Type != TypeNote {
		c.Date = ""
	}
}

// Validate checks the content, naming the field at fault.
func (c Content) Validate() error {
	switch c.Type {
	case TypeNote:
		if err := field.Text("body", c.Body, MaxBody, true, true); err != nil {
			return err
		}
		if err := field.Text("title", c.Title, MaxTitle, false, false); err != nil {
			return err
		}
		if err := field.Date("date", c.Date); err != nil {
			return field.Relabel(err, "Meeting date")
		}
	case TypeGoal, TypeAction:
		if err := field.Text("title", c.Title, MaxTitle, true, false); err != nil {
			return err
		}
		if err := field.Text("body", c.Body, MaxBody, false, true); err != nil {
			return err
		}
	default:
		return field.Errorf("type", "must be note, goal or action")
	}
	if err := field.Text("target", c.Target, MaxTarget, false, false); err != nil {
		return err
	}
	if c.Due != "" {
		if err := field.Date("due", c.Due); err != nil {
			return err
		}
	}
	if len(c.Files) > MaxFiles {
		return field.Errorf("files", "at most %d files", MaxFiles)
	}
	if len(c.Tickets) > MaxTickets {
		return field.Errorf("tickets", "at most %d tickets can be referenced", MaxTickets)
	}
	for _, t := range c.Tickets {
		if !change.ValidName(t) {
			return field.Errorf("tickets", "%q is not a ticket number or ID", t)
		}
	}
	return nil
}

// Item is a coaching item as its reader sees it.
type Item struct {
	ID           string `json:"id"`
	TechnicianID string `json:"technicianId"`
	AuthorID     string `json:"authorId"`
	Content
	Shared    bool      `json:"shared"`  // sealed to the technician as well
	Mine      bool      `json:"mine"`    // written by this device's person, who may change it
	Overdue   bool      `json:"overdue"` // an action past its due date and not done
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"createdBy"`
	Updated   time.Time `json:"updated"`
	UpdatedBy string    `json:"updatedBy"`
	Conflicts []Version `json:"conflicts"` // concurrent edits this person can read; saving settles them
}

// Version is a concurrent edit of an item, opened for its reader.
type Version struct {
	Write   string    `json:"write"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Content Content   `json:"content"`
}

// View is everything about one technician that this person can read.
type View struct {
	TechnicianID string `json:"technicianId"`
	Notes        []Item `json:"notes"`
	Goals        []Item `json:"goals"`
	Actions      []Item `json:"actions"`
	// Unreadable counts items sealed to this person that failed to open (damaged,
	// or sealed to a key this device no longer holds).
	Unreadable int `json:"unreadable"`
}

func (v *View) add(it Item) {
	switch it.Type {
	case TypeNote:
		v.Notes = append(v.Notes, it)
	case TypeGoal:
		v.Goals = append(v.Goals, it)
	case TypeAction:
		v.Actions = append(v.Actions, it)
	}
}

// sort orders notes newest meeting first, goals oldest first, and actions open
// before done, then by due date (undated last).
func (v *View) sort() {
	slices.SortStableFunc(v.Notes, func(a, b Item) int {
		if c := strings.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return b.Created.Compare(a.Created)
	})
	slices.SortStableFunc(v.Goals, func(a, b Item) int { return a.Created.Compare(b.Created) })
	slices.SortStableFunc(v.Actions, func(a, b Item) int {
		if a.Done != b.Done {
			if a.Done {
				return 1
			}
			return -1
		}
		if (a.Due == "") != (b.Due == "") {
			if a.Due == "" {
				return 1
			}
			return -1
		}
		if c := strings.Compare(a.Due, b.Due); c != 0 {
			return c
		}
		return a.Created.Compare(b.Created)
	})
}
