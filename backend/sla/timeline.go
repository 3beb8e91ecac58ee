// Package sla computes a ticket's service-level state (response and resolution
// targets, warnings, breaches) from its timeline, the team's policy and business
// calendar, and a given instant. It is pure: the same timeline gives the same
// answer on every device, and it reads no store and no clock of its own.
package sla

import "time"

// EventType names what happened on a ticket's timeline.
type EventType string

// Event types. Values: a status name, a priority "1".."5", an assignee ("" = unassigned).
const (
	EventStatus     EventType = "status"
	EventPriority   EventType = "priority"
	EventAssignee   EventType = "assignee"
	EventResponse   EventType = "response"   // a public reply by an agent
	EventEscalation EventType = "escalation" // Value: the new tier
)

// Status names the timeline uses; they are the ticket lifecycle's statuses.
const (
	StatusNew               = "new"
	StatusWaitingRequester  = "waiting_requester"
	StatusWaitingThirdParty = "waiting_third_party"
	StatusResolved          = "resolved"
	StatusClosed            = "closed"
	StatusReopened          = "reopened"
)

// Event is one change on a ticket's timeline.
type Event struct {
	At    time.Time `json:"at"`
	Type  EventType `json:"type"`
	Value string    `json:"value"`
}

// Timeline is what happened to a ticket, oldest first. A ticket starts New at
// Created with priority Priority; later events change that.
type Timeline struct {
	Created  time.Time `json:"created"`
	Priority int       `json:"priority"`
	Events   []Event   `json:"events"`
	// Outcome is, for a ticket imported closed from another help desk, the SLA result that
	// system recorded ("met", "breached") or NotMeasured: its targets are not measured
	// again from dates the import cannot vouch for. "" measures the timeline.
	Outcome State `json:"outcome,omitempty"`
}

// Paused reports whether the SLA clock stops in status s (waiting on the requester or a third party).
func Paused(s string) bool { return s == StatusWaitingRequester || s == StatusWaitingThirdParty }

// Stopped reports whether status s ends the resolution clock (resolved or closed).
func Stopped(s string) bool { return s == StatusResolved || s == StatusClosed }

// responds reports whether e counts as the first agent response or ownership:
// a public reply, an assignment, or any move out of New.
func responds(e Event) bool {
	switch e.Type {
	case EventResponse:
		return true
	case EventAssignee:
		return e.Value != ""
	case EventStatus:
		return e.Value != StatusNew
	}
	return false
}
