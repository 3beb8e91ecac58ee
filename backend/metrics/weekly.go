package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"outpost/backend/sla"
)

// Breach is a target that breached in the summary's week.
type Breach struct {
	TicketID   string    `json:"ticketId"`
	Number     string    `json:"number"`
	Title      string    `json:"title"`
	Assignee   string    `json:"assignee"`
	Target     string    `json:"target"`
	Priority   int       `json:"priority"`
	BreachedAt time.Time `json:"breachedAt"`
}

// Weekly is the printable summary of one week.
type Weekly struct {
	Week     Period   `json:"week"`
	Reports  Reports  `json:"reports"`
	Breaches []Breach `json:"breaches"`
	Lines    []string `json:"lines"` // the headline figures in words
}

// WeeklySummary summarises the seven days from weekStart's date (midnight in the
// calendar's zone), as of the week's end or now if earlier.
func WeeklySummary(tickets []Ticket, e *sla.Engine, weekStart, now time.Time) Weekly {
	return WeeklySummaryNamed(tickets, e, weekStart, now, nil)
}

// WeeklySummaryNamed is WeeklySummary showing people by the names in names (see Filter.Names).
func WeeklySummaryNamed(tickets []Ticket, e *sla.Engine, weekStart, now time.Time, names map[string]string) Weekly {
	loc := e.Business().Location()
	y, m, d := weekStart.In(loc).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, loc)
	week := Period{From: from, To: from.AddDate(0, 0, 7)}
	f := Filter{Period: week, Granularity: "day", Names: names}
	r := Compute(tickets, e, f, now)
	w := Weekly{Week: week, Reports: r, Breaches: []Breach{}}
	for i := range tickets {
		t := &tickets[i]
		if t.Timeline.Created.After(r.AsOf) {
			continue
		}
		res := e.Evaluate(t.Timeline, r.AsOf)
		for _, x := range []struct {
			name string
			p    sla.Progress
		}{{"response", res.Response}, {"resolution", res.Resolution}} {
			if week.Has(x.p.BreachedAt) {
				w.Breaches = append(w.Breaches, Breach{TicketID: t.ID, Number: t.Number, Title: t.Title, Assignee: f.name(t.Assignee),
					Target: x.name, Priority: x.p.Priority, BreachedAt: x.p.BreachedAt})
			}
		}
	}
	slices.SortFunc(w.Breaches, func(a, b Breach) int {
		return cmp.Or(a.BreachedAt.Compare(b.BreachedAt), cmp.Compare(a.Number, b.Number))
	})
	pct := func(r Ratio) string {
		if r.Percent == nil {
			return "nothing due"
		}
		return fmt.Sprintf("%.1f%% (%d of %d)", *r.Percent, r.Part, r.Whole)
	}
	w.Lines = []string{
		fmt.Sprintf("%d tickets created, %d resolved.", r.Volume.Created, r.Volume.Resolved),
		fmt.Sprintf("SLA compliance: response %s, resolution %s; %d targets breached this week.", pct(r.SLA.Response), pct(r.SLA.Resolution), len(w.Breaches)),
		fmt.Sprintf("First-contact resolution: %s. Reopen rate: %s.", pct(r.FCR.Ratio), pct(r.Reopen.Ratio)),
		fmt.Sprintf("Time to resolve: median %.1f h (p90 %.1f h) calendar, median %.1f business hours.",
			r.MTTR.CalendarHours.Median, r.MTTR.CalendarHours.P90, r.MTTR.BusinessHours.Median),
		fmt.Sprintf("Backlog at the end of the week: %d open, %d past their resolution target.", r.Backlog.Open, r.Backlog.BySLA[4].Count),
	}
	for _, t := range r.Trends.Items[:min(3, len(r.Trends.Items))] {
		w.Lines = append(w.Lines, "Trend: "+t.Statement+".")
	}
	return w
}
