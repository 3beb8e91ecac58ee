package app

import (
	"time"

	"outpost/backend/core/field"
	"outpost/backend/metrics"
	"outpost/backend/problem"
	"outpost/backend/summary"
)

// SummaryService writes the weekly summary for management, as bound to the UI.
type SummaryService struct{ a *App }

// Week returns the summary of the week starting weekStart (YYYY-MM-DD; "" is the current week, from Monday).
func (s *SummaryService) Week(weekStart string) (summary.Summary, error) {
	in, err := s.a.summaryInput(weekStart, time.Now())
	if err != nil {
		return summary.Summary{}, s.a.userError("weekly summary", err)
	}
	return summary.Write(in), nil
}

// HTML returns the week's summary as one self-contained printable HTML page.
func (s *SummaryService) HTML(weekStart string) (string, error) {
	in, err := s.a.summaryInput(weekStart, time.Now())
	if err != nil {
		return "", s.a.userError("weekly summary", err)
	}
	b, err := summary.HTML(summary.Write(in))
	return string(b), s.a.userError("weekly summary page", err)
}

// weekOf returns the Monday 00:00 (local time) starting the week named by day ("" for now's week).
func weekOf(day string, now time.Time) (time.Time, error) {
	t := now
	if day != "" {
		var err error
		if t, err = time.ParseInLocation("2006-01-02", day, time.Local); err != nil {
			return time.Time{}, field.Errorf("weekStart", "must be a date written YYYY-MM-DD")
		}
	}
	y, m, d := t.Date()
	t = time.Date(y, m, d, 0, 0, 0, 0, time.Local)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)), nil
}

// summaryInput gathers the week's figures from the reports, the problems and the directory.
func (a *App) summaryInput(day string, now time.Time) (summary.Input, error) {
	start, err := weekOf(day, now)
	if err != nil {
		return summary.Input{}, err
	}
	end := start.AddDate(0, 0, 7)
	in := summary.Input{WeekStart: start, Generated: now}
	if t, err := a.Team.Status(); err == nil && t.InTeam {
		in.Team = t.Name
	}
	facts := a.ticketFacts()
	if engine := a.slaRT.engine.Load(); engine != nil {
		this := metrics.WeeklySummary(facts, engine, start, now)
		last := metrics.WeeklySummary(facts, engine, start.AddDate(0, 0, -7), now)
		in.This, in.Last = weekFigures(this.Reports), weekFigures(last.Reports)
		for _, tr := range this.Reports.Trends.Items {
			in.Trends = append(in.Trends, summary.Trend{Name: tr.Name, Statement: tr.Statement})
		}
		for _, b := range this.Breaches {
			in.Breaches = append(in.Breaches, summary.Breach{Number: b.Number, Title: b.Title, Priority: b.Priority, Target: b.Target, Assignee: a.techName(b.Assignee)})
		}
	}
	ps, err := a.lead.problems.List()
	if err != nil {
		return in, err
	}
	sums := summaries(facts)
	for _, p := range ps {
		line := summary.Problem{Title: p.Title, Lens: string(p.Lens), Status: string(p.Status), Incidents: len(p.Incidents)}
		if !p.Created.Before(start) && p.Created.Before(end) {
			in.ProblemsOpened = append(in.ProblemsOpened, line)
		}
		if !p.Status.Active() && p.FixedAt != nil && !p.FixedAt.Before(start) && p.FixedAt.Before(end) {
			line.Verdict = problem.Counts(p, sums, now, problem.DefaultWindow).Verdict
			in.ProblemsClosed = append(in.ProblemsClosed, line)
		}
	}
	due, err := a.lead.directory.DueCases()
	if err != nil {
		return in, err
	}
	for _, c := range due {
		in.VendorDue = append(in.VendorDue, summary.VendorCase{Vendor: c.VendorName, CaseNumber: c.CaseNumber, Title: c.Title, DaysOverdue: c.DaysOverdue})
	}
	ags, err := a.lead.directory.Agreements()
	if err != nil {
		return in, err
	}
	for _, ag := range ags {
		if f := ag.Flag(); f != "" {
			in.Agreements = append(in.Agreements, f)
		}
	}
	return in, nil
}

func weekFigures(r metrics.Reports) summary.Figures {
	f := summary.Figures{Created: r.Volume.Created, Resolved: r.Volume.Resolved, Backlog: r.Backlog.Open}
	part := r.SLA.Response.Part + r.SLA.Resolution.Part
	whole := r.SLA.Response.Whole + r.SLA.Resolution.Whole
	if whole > 0 {
		f.SLACompliance, f.SLAKnown = float64(part*1000/whole)/10, true
	}
	if r.FCR.Percent != nil {
		f.FCR, f.FCRKnown = *r.FCR.Percent, true
	}
	if r.MTTR.BusinessHours.Count > 0 {
		f.MTTRHours, f.MTTRKnown = r.MTTR.BusinessHours.Mean, true
	}
	if r.Reopen.Percent != nil {
		f.ReopenRate, f.ReopenKnown = *r.Reopen.Percent, true
	}
	for _, row := range r.Technicians.Rows {
		f.MinutesLogged += int(row.HoursLogged * 60)
	}
	return f
}

// technicianFigure is one technician's ticket figure over [from, to) from the reports.
func (a *App) technicianFigure(techID string, m string, from, to time.Time) (float64, bool, error) {
	engine := a.slaRT.engine.Load()
	if engine == nil {
		return 0, false, nil
	}
	r := metrics.Compute(a.ticketFacts(), engine, metrics.Filter{Period: metrics.Period{From: from, To: to}, Technician: techID}, time.Now())
	var ratio metrics.Ratio
	switch m {
	case "sla_compliance", "fcr":
		for _, row := range r.Technicians.Rows {
			if row.Technician == techID {
				ratio = row.SLA
				if m == "fcr" {
					ratio = row.FCR
				}
			}
		}
	case "reopen_rate":
		ratio = r.Reopen.Ratio
	}
	if ratio.Percent == nil {
		return 0, false, nil
	}
	return *ratio.Percent, true, nil
}

// techName returns the name of the technician whose ID is id, or id itself (a name typed before profiles existed).
func (a *App) techName(id string) string {
	if id == "" || a.techs == nil {
		return id
	}
	if t, err := a.techs.Get(id); err == nil && t.Name != "" {
		return t.Name
	}
	return id
}
