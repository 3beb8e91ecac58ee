package app

import (
	"time"

	"outpost/backend/core/field"
	"outpost/backend/metrics"
)

// ReportService is the lead's reports screen, as bound to the UI. Reports are derived
// on request from the queue index's ticket timelines; nothing of them is stored.
type ReportService struct{ a *App }

// maxPeriod bounds a report's period.
const maxPeriod = 3 * 366 * 24 * time.Hour

// period fills in a missing period (the last 28 days) and checks the one given.
func (s *ReportService) period(f metrics.Filter, now time.Time) (metrics.Filter, error) {
	if f.To.IsZero() {
		f.To = now
	}
	if f.From.IsZero() {
		f.From = f.To.AddDate(0, 0, -28)
	}
	switch {
	case !f.From.Before(f.To):
		return f, field.Errorf("to", "must be after the start of the period")
	case f.To.Sub(f.From) > maxPeriod:
		return f, field.Errorf("from", "a report covers at most three years")
	case f.Priority < 0 || f.Priority > 5:
		return f, field.Errorf("priority", "must be from 1 to 5, or empty for all")
	case f.Granularity != "" && f.Granularity != "day" && f.Granularity != "week":
		return f, field.Errorf("granularity", "must be day or week")
	}
	return f, nil
}

// Reports returns every report for filter: volume, SLA compliance, FCR, MTTR, backlog
// aging, reopen rate, per-technician figures and trends, each with its definition.
func (s *ReportService) Reports(filter metrics.Filter) (metrics.Reports, error) {
	now := time.Now()
	f, err := s.period(filter, now)
	if err != nil {
		return metrics.Reports{}, err
	}
	f.Names = s.names()
	return metrics.Compute(s.a.queue.Facts(), s.a.slaRT.engine.Load(), f, now), nil
}

// names maps technician IDs (what tickets are assigned to) to their names (what work logs are signed with).
func (s *ReportService) names() map[string]string {
	out := map[string]string{}
	if s.a.techs == nil {
		return out
	}
	list, err := s.a.techs.List(true)
	if err != nil {
		s.a.log.Warn("reports without technician names", "err", err)
		return out
	}
	for _, t := range list {
		out[t.ID] = t.Name
	}
	return out
}

// Tables returns every report table for filter, as the CSV export writes them.
func (s *ReportService) Tables(filter metrics.Filter) ([]metrics.Table, error) {
	r, err := s.Reports(filter)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.Table, 0, len(metrics.TableNames()))
	for _, name := range metrics.TableNames() {
		t, _ := r.Table(name)
		out = append(out, t)
	}
	return out, nil
}

// CSV returns one report table as CSV text (see metrics.TableNames for the names).
func (s *ReportService) CSV(report string, filter metrics.Filter) (string, error) {
	r, err := s.Reports(filter)
	if err != nil {
		return "", err
	}
	if _, ok := r.Table(report); !ok {
		return "", field.Errorf("report", "no report table %q", report)
	}
	out, err := r.CSV(report)
	return out, s.a.userError("export report", err)
}

// WeeklySummary returns the printable summary of the week starting on weekStart ("2025-03-03").
func (s *ReportService) WeeklySummary(weekStart string) (metrics.Weekly, error) {
	e := s.a.slaRT.engine.Load()
	d, err := time.ParseInLocation(time.DateOnly, weekStart, e.Business().Location())
	if err != nil {
		return metrics.Weekly{}, field.Errorf("weekStart", "must be a date like 2025-03-03")
	}
	return metrics.WeeklySummaryNamed(s.a.queue.Facts(), e, d, time.Now(), s.names()), nil
}
