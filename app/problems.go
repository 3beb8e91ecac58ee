package app

import (
	"strings"
	"time"

	"outpost/backend/problem"
)

// ProblemService is the problem records screen, as bound to the UI.
type ProblemService struct{ a *App }

// ProblemView is a problem with its incident counts before and after the fix, computed now.
type ProblemView struct {
	problem.Problem
	Effect problem.Effect `json:"effect"`
}

func (s *ProblemService) view(p problem.Problem) ProblemView {
	return ProblemView{Problem: p, Effect: problem.Counts(p, summaries(s.a.ticketFacts()), time.Now(), problem.DefaultWindow)}
}

// List returns every problem, active ones first.
func (s *ProblemService) List() ([]problem.Problem, error) {
	ps, err := s.a.lead.problems.List()
	return ps, s.a.userError("list problems", err)
}

// Get returns one problem with its before/after counts.
func (s *ProblemService) Get(id string) (ProblemView, error) {
	p, err := s.a.lead.problems.Get(id)
	if err != nil {
		return ProblemView{}, s.a.userError("get problem", err)
	}
	return s.view(p), nil
}

// Open records a problem from selected tickets (or a trend, when in.Tickets is empty).
func (s *ProblemService) Open(in problem.NewProblem) (ProblemView, error) {
	p, err := s.a.lead.problems.Open(s.a.ctx, s.a.me(), in)
	if err != nil {
		return ProblemView{}, s.a.userError("open problem", err)
	}
	return s.view(p), nil
}

// OpenFromTrend records a problem for a rising category or term and links the
// tickets of that category (mentioning the term) created in the last `days` days (default 28).
func (s *ProblemService) OpenFromTrend(category, term string, days int) (ProblemView, error) {
	if days <= 0 || days > 365 {
		days = 28
	}
	since := time.Now().AddDate(0, 0, -days)
	category, term = strings.TrimSpace(category), strings.TrimSpace(term)
	var ids []string
	for _, f := range s.a.ticketFacts() {
		if f.Timeline.Created.Before(since) || category != "" && !strings.EqualFold(f.Category, category) ||
			term != "" && !strings.Contains(strings.ToLower(f.Title), strings.ToLower(term)) {
			continue
		}
		if len(ids) < problem.MaxIncidents {
			ids = append(ids, f.ID)
		}
	}
	return s.Open(problem.NewProblem{Category: category, Term: term, Origin: problem.OriginTrend, Tickets: ids})
}

// Update changes a problem's fields.
func (s *ProblemService) Update(id string, p problem.Patch) (ProblemView, error) {
	out, err := s.a.lead.problems.Update(s.a.ctx, s.a.me(), id, p)
	if err != nil {
		return ProblemView{}, s.a.userError("update problem", err)
	}
	return s.view(out), nil
}

// SetStatus moves a problem along its lifecycle.
func (s *ProblemService) SetStatus(id string, status problem.Status) (ProblemView, error) {
	out, err := s.a.lead.problems.SetStatus(s.a.ctx, s.a.me(), id, status)
	if err != nil {
		return ProblemView{}, s.a.userError("change problem status", err)
	}
	return s.view(out), nil
}

// Link adds tickets to the problem's incidents.
func (s *ProblemService) Link(id string, tickets []string) (ProblemView, error) {
	out, err := s.a.lead.problems.Link(s.a.ctx, s.a.me(), id, tickets)
	if err != nil {
		return ProblemView{}, s.a.userError("link incidents", err)
	}
	return s.view(out), nil
}

// Unlink removes a ticket from the problem's incidents.
func (s *ProblemService) Unlink(id, ticketID string) (ProblemView, error) {
	out, err := s.a.lead.problems.Unlink(s.a.ctx, s.a.me(), id, ticketID)
	if err != nil {
		return ProblemView{}, s.a.userError("unlink incident", err)
	}
	return s.view(out), nil
}

// AddNote appends an investigation note.
func (s *ProblemService) AddNote(id, body string) (ProblemView, error) {
	out, err := s.a.lead.problems.AddNote(s.a.ctx, s.a.me(), id, body)
	if err != nil {
		return ProblemView{}, s.a.userError("add problem note", err)
	}
	return s.view(out), nil
}

// Delete removes a problem.
func (s *ProblemService) Delete(id string) error {
	return s.a.userError("delete problem", s.a.lead.problems.Delete(s.a.ctx, s.a.me(), id))
}
