package metrics

import (
	"runtime"
	"strings"
	"sync"
	"time"

	"outpost/backend/sla"
)

// Filter selects what the reports count. Empty fields select everything.
type Filter struct {
	Period
	Category    string `json:"category,omitempty"`
	Priority    int    `json:"priority,omitempty"`    // 1..5; 0 = all
	Technician  string `json:"technician,omitempty"`  // an assignee value
	Granularity string `json:"granularity,omitempty"` // "day" (default) or "week" for the volume series
	// Names maps assignee values and work-log authors to the names reports show (a technician's
	// ID and their name as an author then count as one person). Filled by the caller, not the request.
	Names map[string]string `json:"-"`
}

// name returns the display name of an assignee value or author.
func (f *Filter) name(key string) string {
	if n := f.Names[key]; n != "" {
		return n
	}
	return key
}

// technicianIs reports whether key (an assignee value or author) is the technician the filter asks for.
func (f *Filter) technicianIs(key string) bool {
	return f.Technician == "" || key != "" && (key == f.Technician || strings.EqualFold(f.name(key), f.Technician))
}

// Definitions shown next to each report (DOMAIN.md, with our rules where tools differ).
const (
	DefVolume = "Tickets created and tickets resolved per day or week (weeks start on Monday, in the team calendar's time zone), " +
		"and by category, priority, source and technician over the period. A ticket counts as resolved when it was last " +
		"moved to Resolved in the period and is still resolved or closed."
	DefSLA = "SLA compliance % = targets met / targets due x 100, response and resolution counted separately, paused time " +
		"excluded. A target is due in the period when it was met in it (first response; resolution) or breached in it " +
		"(the moment its business-hours clock passed the target, whether or not the ticket was later answered or resolved)."
	DefFCR = "First-contact resolution rate = tickets resolved at first contact / tickets resolved x 100. Our rule: resolved " +
		"by the first assignee, without escalation or reassignment, with no waiting status and no reopen. " +
		"(Tools differ: ServiceNow counts no reassignment; Zammad counts closed within 15 minutes.)"
	DefMTTR = "MTTR = mean, median and p90 of (resolved - created) over the tickets resolved in the period, in calendar " +
		"hours and in business hours of the team calendar. The median of an even count is the mean of the middle two; " +
		"p90 is the nearest-rank value (the ceil(0.9 n)-th smallest)."
	DefBacklog = "Open tickets at the end of the period (or now), by age in whole days (0-1 d: under one day; 1-5 d; 6-10 d; " +
		"11-30 d; > 30 d) and by share of the resolution SLA elapsed (< 50%; 50-75%; 76-90%: above 75% up to 90%; " +
		"> 90%: above 90% and not yet past; breached)."
	DefReopen = "Reopen rate = resolved tickets later reopened (within 14 days) / resolved tickets x 100. A ticket counts as " +
		"resolved when it was moved to Resolved in the period, and as reopened when a reopen followed such a resolution " +
		"within 14 days (resolutions in the last 14 days may still be reopened)."
	DefTechnicians = "Per technician over the period: open load (open tickets assigned at the end of the period), resolved " +
		"(by them as assignee), SLA compliance of their tickets (as above), FCR (as above) and time logged (work logs " +
		"they wrote, in hours)."
	DefTrends = "Categories and title terms whose weekly volume over the last 3 weeks is at least twice their weekly " +
		"average over the 12 weeks before, with at least 6 tickets in the last 3 weeks (or new: none in the 12 weeks " +
		"before), and a rise that would happen by chance less than 1% of the time at the earlier rate (Poisson). A term " +
		"whose recent tickets are two thirds or more in one rising category is told with that category (\"most " +
		"mention ...\"). Counted by creation date, up to the end of the period."
)

// Reports is the full report set for one filter.
type Reports struct {
	Filter      Filter      `json:"filter"`
	AsOf        time.Time   `json:"asOf"`
	Tickets     int         `json:"tickets"` // tickets the filter selected
	Volume      Volume      `json:"volume"`
	SLA         Compliance  `json:"sla"`
	FCR         FCR         `json:"fcr"`
	MTTR        MTTR        `json:"mttr"`
	Backlog     Backlog     `json:"backlog"`
	Reopen      Reopen      `json:"reopen"`
	Technicians Technicians `json:"technicians"`
	Trends      Trends      `json:"trends"`
}

// Compute builds every report over tickets for filter f at instant now, with the
// team's SLA engine (its calendar gives business hours and the days' time zone).
// The reports look at each ticket as of the end of the period (or now, if earlier).
func Compute(tickets []Ticket, e *sla.Engine, f Filter, now time.Time) Reports {
	if f.Granularity != "week" {
		f.Granularity = "day"
	}
	asOf := now
	if !f.To.IsZero() && f.To.Before(now) {
		asOf = f.To
	}
	if f.To.IsZero() {
		f.To = now
	}
	// Replaying timelines is most of the work: split it over the processors.
	parts := min(runtime.GOMAXPROCS(0), 8, max(1, len(tickets)/5000))
	all := make([]fact, len(tickets))
	kept := make([]int, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(tickets)/parts, (p+1)*len(tickets)/parts
		wg.Go(func() {
			n := lo
			for i := lo; i < hi; i++ {
				t := &tickets[i]
				if t.Timeline.Created.After(asOf) || f.Category != "" && !strings.EqualFold(t.Category, f.Category) {
					continue
				}
				ft := factOf(t, e, f.Period, asOf)
				if f.Priority != 0 && ft.priority != f.Priority || f.Technician != "" && !f.technicianIs(ft.assignee) && !f.technicianIs(ft.resolver) {
					continue
				}
				all[n] = ft
				n++
			}
			kept[p] = n - lo
		})
	}
	wg.Wait()
	facts := all[:0]
	for p := range parts {
		lo := p * len(tickets) / parts
		facts = append(facts, all[lo:lo+kept[p]]...) // moves left within all: no copy of the whole set
	}
	r := Reports{Filter: f, AsOf: asOf, Tickets: len(facts)}
	loc := e.Business().Location()
	r.Volume = volume(facts, f, loc)
	r.SLA = compliance(facts, f.Period)
	r.FCR = fcr(facts, f.Period)
	r.MTTR = mttr(facts, f.Period, e.Business())
	r.Backlog = backlog(facts, asOf)
	r.Reopen = reopen(facts, f.Period)
	r.Technicians = technicians(facts, f)
	r.Trends = trends(facts, asOf)
	return r
}
