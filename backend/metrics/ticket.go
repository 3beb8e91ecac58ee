// Package metrics computes the lead's reports (volume, SLA compliance, first-contact
// resolution, time to resolve, backlog aging, reopen rate, per-technician figures and
// recurring-issue trends) from ticket timelines, exactly as DOMAIN.md defines them.
// It is pure: it reads no store and no clock; the caller passes the tickets and "now".
package metrics

import (
	"time"

	"outpost/backend/sla"
)

// Ticket is what the reports need to know of one ticket.
type Ticket struct {
	ID       string       `json:"id"`
	Number   string       `json:"number"`
	Title    string       `json:"title"`
	Category string       `json:"category"`
	Source   string       `json:"source"`
	Assignee string       `json:"assignee"` // current assignee ("" = unassigned)
	Priority int          `json:"priority"` // current priority
	Timeline sla.Timeline `json:"timeline"`
	WorkLogs []WorkLog    `json:"workLogs"`
}

// WorkLog is time someone logged on a ticket.
type WorkLog struct {
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Minutes int       `json:"minutes"`
}
