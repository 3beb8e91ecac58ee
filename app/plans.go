package app

import (
	"time"

	"outpost/backend/plan"
	"outpost/backend/review"
)

// PlanService is the improvement plans screen, as bound to the UI.
type PlanService struct{ a *App }

// Metrics lists the figures a goal can target.
func (s *PlanService) Metrics() ([]plan.MetricInfo, error) { return plan.Metrics(), nil }

// List returns the plans this person can read (of technician techID, or all for "").
func (s *PlanService) List(techID string) ([]plan.Plan, error) {
	ps, err := s.a.lead.plans.List(techID)
	return ps, s.a.userError("list plans", err)
}

// Get returns one plan with its live figures.
func (s *PlanService) Get(id string) (plan.Plan, error) {
	p, err := s.a.lead.plans.Get(id)
	return p, s.a.userError("get plan", err)
}

// Create writes a plan for technician techID.
func (s *PlanService) Create(techID string, in plan.Content, share bool) (plan.Plan, error) {
	p, err := s.a.lead.plans.Create(s.a.ctx, techID, in, share)
	return p, s.a.userError("create plan", err)
}

// Update replaces a plan's content.
func (s *PlanService) Update(id string, in plan.Content) (plan.Plan, error) {
	p, err := s.a.lead.plans.Update(s.a.ctx, id, in)
	return p, s.a.userError("change plan", err)
}

// Share seals a plan to the technician as well, or to its author only.
func (s *PlanService) Share(id string, shared bool) (plan.Plan, error) {
	p, err := s.a.lead.plans.Share(s.a.ctx, id, shared)
	return p, s.a.userError("share plan", err)
}

// RecordReview appends this week's review with the live figures.
func (s *PlanService) RecordReview(id, note string) (plan.Plan, error) {
	p, err := s.a.lead.plans.RecordReview(s.a.ctx, id, note)
	return p, s.a.userError("record plan review", err)
}

// Delete removes a plan.
func (s *PlanService) Delete(id string) error {
	return s.a.userError("delete plan", s.a.lead.plans.Delete(s.a.ctx, id))
}

// planFigures measures a plan's goal over [from, to): review scores from the
// quality reviews this person can read, ticket figures from the reports.
func (a *App) planFigures(techID string, m plan.Metric, from, to time.Time) (float64, bool, error) {
	switch m {
	case plan.DocumentationScore, plan.ReviewAverage:
		rs, _, err := a.lead.reviews.List(techID)
		if err != nil {
			return 0, false, err
		}
		if m == plan.DocumentationScore {
			v, ok := review.AverageOf(rs, review.Documentation, from, to)
			return v, ok, nil
		}
		sum, n := 0.0, 0
		for _, r := range rs {
			if d, err := time.Parse(review.DateLayout, r.Date); err == nil && !d.Before(from) && d.Before(to) {
				sum += r.Average
				n++
			}
		}
		if n == 0 {
			return 0, false, nil
		}
		return sum / float64(n), true, nil
	}
	return a.technicianFigure(techID, string(m), from, to)
}
