package ticket

import "slices"

// Status is where a ticket stands in its lifecycle.
type Status string

// The lifecycle: New -> Assigned -> In progress -> (Waiting...) -> Resolved -> Closed, with Reopened.
const (
	StatusNew               Status = "new"
	StatusAssigned          Status = "assigned"
	StatusInProgress        Status = "in_progress"
	StatusWaitingRequester  Status = "waiting_requester"
	StatusWaitingThirdParty Status = "waiting_third_party"
	StatusResolved          Status = "resolved"
	StatusClosed            Status = "closed"
	StatusReopened          Status = "reopened"
)

var transitions = map[Status][]Status{
	StatusNew:               {StatusAssigned, StatusInProgress, StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved},
	StatusAssigned:          {StatusInProgress, StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved},
	StatusInProgress:        {StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved},
	StatusWaitingRequester:  {StatusInProgress, StatusWaitingThirdParty, StatusResolved},
	StatusWaitingThirdParty: {StatusInProgress, StatusWaitingRequester, StatusResolved},
	StatusResolved:          {StatusClosed, StatusReopened},
	StatusClosed:            {StatusReopened},
	StatusReopened:          {StatusAssigned, StatusInProgress, StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// Next lists the statuses a ticket in s may move to.
func (s Status) Next() []Status { return slices.Clone(transitions[s]) }

// CanMoveTo reports whether the lifecycle allows s -> to.
func (s Status) CanMoveTo(to Status) bool { return slices.Contains(transitions[s], to) }

// Open reports whether the ticket still needs work (it counts in the queue and the backlog).
func (s Status) Open() bool { return s != StatusResolved && s != StatusClosed }

// Paused reports whether the SLA clock stops in s.
func (s Status) Paused() bool { return s == StatusWaitingRequester || s == StatusWaitingThirdParty }
