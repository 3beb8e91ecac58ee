package metrics

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strconv"
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
		"before). Counted by creation date, up to the end of the period."
)

// Count is created and resolved tickets in one bucket or group.
type Count struct {
	Key      string `json:"key"`
	Created  int    `json:"created"`
	Resolved int    `json:"resolved"`
}

// Volume is the volume report.
type Volume struct {
	Definition   string  `json:"definition"`
	Granularity  string  `json:"granularity"`
	Series       []Count `json:"series"`
	ByCategory   []Count `json:"byCategory"`
	ByPriority   []Count `json:"byPriority"`
	BySource     []Count `json:"bySource"`
	ByTechnician []Count `json:"byTechnician"`
	Created      int     `json:"created"`
	Resolved     int     `json:"resolved"`
}

// Ratio is a part of a whole, with the percentage (nil when nothing was due).
type Ratio struct {
	Part    int      `json:"part"`
	Whole   int      `json:"whole"`
	Percent *float64 `json:"percent"`
}

func ratio(part, whole int) Ratio {
	r := Ratio{Part: part, Whole: whole}
	if whole > 0 {
		p := math.Round(float64(part)*1000/float64(whole)) / 10
		r.Percent = &p
	}
	return r
}

func (r Ratio) String() string {
	if r.Percent == nil {
		return ""
	}
	return strconv.FormatFloat(*r.Percent, 'f', 1, 64)
}

// Compliance is the SLA compliance report.
type Compliance struct {
	Definition string  `json:"definition"`
	Response   Ratio   `json:"response"`
	Resolution Ratio   `json:"resolution"`
	ByPriority []PrioC `json:"byPriority"`
}

// PrioC is compliance of one priority.
type PrioC struct {
	Priority   int   `json:"priority"`
	Response   Ratio `json:"response"`
	Resolution Ratio `json:"resolution"`
}

// FCR is the first-contact resolution report.
type FCR struct {
	Definition string `json:"definition"`
	Ratio
}

// Stats are mean, median and p90 of hours.
type Stats struct {
	Count  int     `json:"count"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
}

// MTTR is the time-to-resolve report.
type MTTR struct {
	Definition    string `json:"definition"`
	CalendarHours Stats  `json:"calendarHours"`
	BusinessHours Stats  `json:"businessHours"`
}

// Bucket is a labelled count.
type Bucket struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Backlog is the backlog aging report.
type Backlog struct {
	Definition string    `json:"definition"`
	AsOf       time.Time `json:"asOf"`
	Open       int       `json:"open"`
	ByAge      []Bucket  `json:"byAge"`
	BySLA      []Bucket  `json:"bySla"`
}

// Reopen is the reopen-rate report.
type Reopen struct {
	Definition string `json:"definition"`
	Ratio
}

// TechRow is one technician's figures.
type TechRow struct {
	Technician    string  `json:"technician"`
	OpenLoad      int     `json:"openLoad"`
	Resolved      int     `json:"resolved"`
	SLA           Ratio   `json:"sla"` // response and resolution targets together
	FCR           Ratio   `json:"fcr"`
	HoursLogged   float64 `json:"hoursLogged"`
	minutesLogged int
}

// Technicians is the per-technician report.
type Technicians struct {
	Definition string    `json:"definition"`
	Rows       []TechRow `json:"rows"`
}

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

// bucketDay returns the civil day number (days since 1970-01-01) of t's date in loc,
// or of its week's Monday.
func bucketDay(t time.Time, loc *time.Location, week bool) int64 {
	y, m, d := t.In(loc).Date()
	n := daysFromCivil(y, int(m), d)
	if week {
		n -= (n + 3) % 7 // 1970-01-01 was a Thursday: (n+3)%7 is 0 on Mondays
	}
	return n
}

// daysFromCivil is the day number of a proleptic Gregorian date (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func dayKey(n int64) string { return time.Unix(n*86400, 0).UTC().Format(time.DateOnly) }

func volume(facts []fact, f Filter, loc *time.Location) Volume {
	week := f.Granularity == "week"
	v := Volume{Definition: DefVolume, Granularity: f.Granularity}
	days := map[int64]*Count{}
	// Every bucket of the period, empty ones included (at most ~3 years of days).
	if !f.From.IsZero() {
		for d, n := f.From.In(loc), 0; d.Before(f.To) && n < 1200; d, n = d.AddDate(0, 0, 1), n+1 {
			if k := bucketDay(d, loc, week); days[k] == nil {
				days[k] = &Count{}
			}
		}
	}
	bump := func(t time.Time, created, resolved int) {
		k := bucketDay(t, loc, week)
		c := days[k]
		if c == nil {
			c = &Count{}
			days[k] = c
		}
		c.Created += created
		c.Resolved += resolved
	}
	groups := [4]map[string]*Count{{}, {}, {}, {}}
	add := func(m map[string]*Count, k string, created, resolved int) {
		c := m[k]
		if c == nil {
			c = &Count{Key: k}
			m[k] = c
		}
		c.Created += created
		c.Resolved += resolved
	}
	for i := range facts {
		ft := &facts[i]
		c, r := 0, 0
		if f.Has(ft.created) {
			c = 1
			bump(ft.created, 1, 0)
		}
		if f.Has(ft.resolvedAt) {
			r = 1
			bump(ft.resolvedAt, 0, 1)
		}
		if c+r == 0 {
			continue
		}
		v.Created += c
		v.Resolved += r
		tech := ft.assignee
		if r == 1 {
			tech = ft.resolver
		}
		add(groups[0], orNone(ft.t.Category), c, r)
		add(groups[1], "P"+strconv.Itoa(ft.priority), c, r)
		add(groups[2], orNone(ft.t.Source), c, r)
		add(groups[3], orNone(f.name(tech)), c, r)
	}
	series := make(map[string]*Count, len(days))
	for n, c := range days {
		c.Key = dayKey(n)
		series[c.Key] = c
	}
	v.Series = sorted(series, func(a, b Count) int { return strings.Compare(a.Key, b.Key) })
	byTotal := func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Created+b.Resolved, a.Created+a.Resolved), strings.Compare(a.Key, b.Key))
	}
	v.ByCategory = sorted(groups[0], byTotal)
	v.ByPriority = sorted(groups[1], func(a, b Count) int { return strings.Compare(a.Key, b.Key) })
	v.BySource = sorted(groups[2], byTotal)
	v.ByTechnician = sorted(groups[3], byTotal)
	return v
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sorted(m map[string]*Count, by func(a, b Count) int) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, by)
	return out
}

// targetDue tells whether a target's outcome fell in p, and whether it was met.
func targetDue(t target, in Period) (due, met bool) {
	if !t.breachedAt.IsZero() {
		return in.Has(t.breachedAt), false
	}
	if t.done {
		return in.Has(t.doneAt), true
	}
	return false, false
}

func compliance(facts []fact, p Period) Compliance {
	c := Compliance{Definition: DefSLA}
	var met, due [6][2]int // [priority][response, resolution]
	for i := range facts {
		ft := &facts[i]
		for k, prog := range [2]target{ft.response, ft.resolution} {
			pr := min(max(prog.priority, 0), 5)
			if d, m := targetDue(prog, p); d {
				due[pr][k]++
				if m {
					met[pr][k]++
				}
			}
		}
	}
	var tm, td [2]int
	for pr := 1; pr <= 5; pr++ {
		c.ByPriority = append(c.ByPriority, PrioC{Priority: pr, Response: ratio(met[pr][0], due[pr][0]), Resolution: ratio(met[pr][1], due[pr][1])})
		for k := range 2 {
			tm[k] += met[pr][k]
			td[k] += due[pr][k]
		}
	}
	c.Response, c.Resolution = ratio(tm[0], td[0]), ratio(tm[1], td[1])
	return c
}

func fcr(facts []fact, p Period) FCR {
	first, resolved := 0, 0
	for i := range facts {
		if p.Has(facts[i].resolvedAt) {
			resolved++
			if facts[i].firstTouch {
				first++
			}
		}
	}
	return FCR{Definition: DefFCR, Ratio: ratio(first, resolved)}
}

func stats(hours []float64) Stats {
	s := Stats{Count: len(hours)}
	if len(hours) == 0 {
		return s
	}
	slices.Sort(hours)
	sum := 0.0
	for _, h := range hours {
		sum += h
	}
	n := len(hours)
	s.Mean = round2(sum / float64(n))
	if n%2 == 1 {
		s.Median = round2(hours[n/2])
	} else {
		s.Median = round2((hours[n/2-1] + hours[n/2]) / 2)
	}
	s.P90 = round2(hours[int(math.Ceil(0.9*float64(n)))-1])
	return s
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func mttr(facts []fact, p Period, clock *sla.Clock) MTTR {
	var cal, bus []float64
	for i := range facts {
		ft := &facts[i]
		if p.Has(ft.resolvedAt) {
			cal = append(cal, ft.resolvedAt.Sub(ft.created).Hours())
			bus = append(bus, clock.Between(ft.created, ft.resolvedAt).Hours())
		}
	}
	return MTTR{Definition: DefMTTR, CalendarHours: stats(cal), BusinessHours: stats(bus)}
}

// Labels of the backlog buckets.
var (
	AgeBuckets = []string{"0-1 d", "1-5 d", "6-10 d", "11-30 d", "> 30 d"}
	SLABuckets = []string{"< 50%", "50-75%", "76-90%", "> 90%", "breached"}
)

func backlog(facts []fact, asOf time.Time) Backlog {
	b := Backlog{Definition: DefBacklog, AsOf: asOf}
	var age, share [5]int
	for i := range facts {
		ft := &facts[i]
		if !ft.open {
			continue
		}
		b.Open++
		switch days := int(asOf.Sub(ft.created) / (24 * time.Hour)); {
		case days < 1:
			age[0]++
		case days <= 5:
			age[1]++
		case days <= 10:
			age[2]++
		case days <= 30:
			age[3]++
		default:
			age[4]++
		}
		res := ft.resolution
		switch s := res.share; {
		case res.breached:
			share[4]++
		case s < 0.5:
			share[0]++
		case s <= 0.75:
			share[1]++
		case s <= 0.9:
			share[2]++
		default:
			share[3]++
		}
	}
	for i := range 5 {
		b.ByAge = append(b.ByAge, Bucket{AgeBuckets[i], age[i]})
		b.BySLA = append(b.BySLA, Bucket{SLABuckets[i], share[i]})
	}
	return b
}

func reopen(facts []fact, p Period) Reopen {
	resolved, reopened := 0, 0
	for i := range facts {
		if facts[i].resolvedInPeriod {
			resolved++
			if facts[i].reopenedInPeriod {
				reopened++
			}
		}
	}
	return Reopen{Definition: DefReopen, Ratio: ratio(reopened, resolved)}
}

func technicians(facts []fact, f Filter) Technicians {
	rows := map[string]*TechRow{}
	row := func(name string) *TechRow {
		r := rows[name]
		if r == nil {
			r = &TechRow{Technician: name}
			rows[name] = r
		}
		return r
	}
	type acc struct{ slaMet, slaDue, first, resolved int }
	accs := map[string]*acc{}
	get := func(name string) *acc {
		a := accs[name]
		if a == nil {
			a = &acc{}
			accs[name] = a
		}
		return a
	}
	for i := range facts {
		ft := &facts[i]
		assignee, resolver := f.name(ft.assignee), f.name(ft.resolver)
		if ft.open && assignee != "" {
			row(assignee).OpenLoad++
		}
		if f.Has(ft.resolvedAt) && resolver != "" {
			row(resolver).Resolved++
			a := get(resolver)
			a.resolved++
			if ft.firstTouch {
				a.first++
			}
		}
		if assignee != "" {
			for _, prog := range [2]target{ft.response, ft.resolution} {
				if d, m := targetDue(prog, f.Period); d {
					row(assignee)
					a := get(assignee)
					a.slaDue++
					if m {
						a.slaMet++
					}
				}
			}
		}
		for _, w := range ft.t.WorkLogs {
			if f.Has(w.At) && w.By != "" && f.technicianIs(w.By) {
				row(f.name(w.By)).minutesLogged += w.Minutes
			}
		}
	}
	out := Technicians{Definition: DefTechnicians, Rows: []TechRow{}}
	for name, r := range rows {
		if f.Technician != "" && !strings.EqualFold(name, f.Technician) && name != f.name(f.Technician) {
			continue
		}
		a := get(name)
		r.SLA, r.FCR = ratio(a.slaMet, a.slaDue), ratio(a.first, a.resolved)
		r.HoursLogged = round2(float64(r.minutesLogged) / 60)
		out.Rows = append(out.Rows, *r)
	}
	slices.SortFunc(out.Rows, func(a, b TechRow) int { return strings.Compare(a.Technician, b.Technician) })
	return out
}
