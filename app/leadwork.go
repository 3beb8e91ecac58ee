package app

import (
	"errors"
	"time"

	"outpost/backend/directory"
	"outpost/backend/escalation"
	"outpost/backend/metrics"
	"outpost/backend/onboarding"
	"outpost/backend/plan"
	"outpost/backend/problem"
	"outpost/backend/review"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// leadWork holds the domain services of what leads and coordinators do all week:
// problems, escalation paths, the directory and vendor cases, onboarding,
// quality reviews, improvement plans and the weekly summary.
type leadWork struct {
	problems   *problem.Service
	paths      *escalation.Service
	directory  *directory.Service
	onboarding *onboarding.Service
	reviews    *review.Service
	plans      *plan.Service
}

// openLeadWork starts those services and their bound counterparts. It needs the
// people service (reviews and plans are sealed to people). Every escalation of a
// ticket passes its category's escalation path checklist from here on.
func (a *App) openLeadWork() {
	lw := &leadWork{
		problems:   problem.NewService(a.st, nil),
		paths:      escalation.NewService(a.st),
		directory:  directory.NewService(a.st, nil),
		onboarding: onboarding.NewService(a.st, nil),
		reviews:    review.NewService(a.st, a.people, nil),
	}
	lw.plans = plan.NewService(a.st, a.people, a.planFigures, nil)
	a.lead = lw
	a.tickets.GuardEscalation(lw.paths.Guard)
	a.Problems = &ProblemService{a: a}
	a.Escalation = &EscalationService{a: a}
	a.Directory = &DirectoryService{a: a}
	a.Onboarding = &OnboardingService{a: a}
	a.Reviews = &ReviewService{a: a}
	a.Plans = &PlanService{a: a}
	a.Summary = &SummaryService{a: a}
}

// leadErrors are conditions of lead work a person may see as they are.
var leadErrors = []error{problem.ErrNotFound, escalation.ErrNotFound, directory.ErrNotFound,
	onboarding.ErrNotFound, review.ErrNotFound, review.ErrNotAllowed}

// isLeadError reports whether err is one of leadErrors.
func isLeadError(err error) bool {
	for _, known := range leadErrors {
		if errors.Is(err, known) {
			return true
		}
	}
	return false
}

// ticketFacts returns what the reports know of every ticket.
func (a *App) ticketFacts() []metrics.Ticket { return a.queue.Facts() }

// summaries turns facts into the ticket summaries problem counts read (ID, category, creation time).
func summaries(facts []metrics.Ticket) []ticket.Summary {
	out := make([]ticket.Summary, 0, len(facts))
	for _, f := range facts {
		out = append(out, ticket.Summary{ID: f.ID, Number: f.Number, Title: f.Title, Category: f.Category,
			Assignee: f.Assignee, Priority: f.Priority, Created: f.Timeline.Created})
	}
	return out
}

// resolvedAt returns when a ticket was last resolved, if it is resolved or closed now.
func resolvedAt(tl sla.Timeline) (time.Time, bool) {
	var at time.Time
	status := sla.StatusNew
	for _, e := range tl.Events {
		if e.Type == sla.EventStatus {
			status = e.Value
			if e.Value == sla.StatusResolved {
				at = e.At
			}
		}
	}
	return at, sla.Stopped(status) && !at.IsZero()
}
