package app

import (
	"errors"
	"time"

	"outpost/backend/escalation"
)

// EscalationService is the escalation paths screen and the escalation dialog's advice, as bound to the UI.
type EscalationService struct{ a *App }

// List returns every category's path.
func (s *EscalationService) List() ([]escalation.Path, error) {
	ps, err := s.a.lead.paths.List()
	return ps, s.a.userError("list escalation paths", err)
}

// Get returns the path of a category.
func (s *EscalationService) Get(category string) (escalation.Path, error) {
	p, err := s.a.lead.paths.Get(category)
	return p, s.a.userError("get escalation path", err)
}

// Save creates or replaces a category's path.
func (s *EscalationService) Save(in escalation.Input) (escalation.Path, error) {
	p, err := s.a.lead.paths.Save(s.a.ctx, s.a.me(), in)
	return p, s.a.userError("save escalation path", err)
}

// Delete removes a category's path.
func (s *EscalationService) Delete(category string) error {
	return s.a.userError("delete escalation path", s.a.lead.paths.Delete(s.a.ctx, s.a.me(), category))
}

// Advice is what the escalation dialog shows for a ticket: the path (if its
// category has one), whether the rules say to escalate now and why, and the
// checklist to confirm.
type Advice struct {
	HasPath  bool                `json:"hasPath"`
	Path     escalation.Path     `json:"path"`
	Decision escalation.Decision `json:"decision"`
	Facts    escalation.Facts    `json:"facts"`
}

// Advise evaluates the escalation rules of the ticket's category now.
func (s *EscalationService) Advise(ticketID string) (Advice, error) {
	t, err := s.a.tickets.Get(ticketID)
	if err != nil {
		return Advice{}, s.a.userError("escalation advice", err)
	}
	now := time.Now()
	f := escalation.Facts{Tier: t.Tier, Priority: t.Priority, TimeInTier: escalation.TimeInTier(t, now)}
	if e := s.a.slaRT.engine.Load(); e != nil {
		f.SLAShare = e.Evaluate(t.Timeline(), now).Resolution.Share
	}
	adv := Advice{Facts: f}
	p, err := s.a.lead.paths.Get(t.Category)
	switch {
	case errors.Is(err, escalation.ErrNotFound):
		adv.Decision = escalation.Evaluate(escalation.Path{}, f)
		return adv, nil
	case err != nil:
		return Advice{}, s.a.userError("escalation advice", err)
	}
	adv.HasPath, adv.Path, adv.Decision = true, p, escalation.Evaluate(p, f)
	return adv, nil
}
