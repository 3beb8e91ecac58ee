package metrics

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/sla"
)

func load(t *testing.T, name string) []Ticket {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Tickets []Ticket }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Tickets
}

func office(t testing.TB) *sla.Engine {
	t.Helper()
	e, err := sla.NewEngine(sla.DefaultSettings()) // Mon-Fri 09:00-17:00 UTC, DOMAIN.md targets
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var (
	weekFrom = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	weekTo   = time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	later    = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC) // now: after the period, so as-of is its end
)

func week(f Filter) Filter {
	f.Period = Period{From: weekFrom, To: weekTo}
	return f
}

func pct(r Ratio) string {
	if r.Percent == nil {
		return "-"
	}
	return r.String() + "% (" + itoa(r.Part) + "/" + itoa(r.Whole) + ")"
}

func countsString(cs []Count) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Key+" "+itoa(c.Created)+"/"+itoa(c.Resolved))
	}
	return strings.Join(parts, ", ")
}

func bucketsString(bs []Bucket) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, b.Label+":"+itoa(b.Count))
	}
	return strings.Join(parts, " ")
}

// The figures of testdata/week.json, worked out by hand (office hours Mon-Fri 09-17 UTC):
//
//	t1  P2 Mon 09:00, tom 09:10, resolved Mon 11:00        resp 10m met; res 2h met; FCR yes; MTTR 2h cal / 2h bus
//	t2  P3 Mon 16:00, ana Tue 10:00, waits Tue 11-Wed 09,   resp 1h+1h=2h met; res 1+2+3=6h met; FCR no (waited);
//	    resolved Wed 12:00                                  MTTR 44h cal / 1+8+3=12h bus
//	t3  P1 Tue 09:00, tom 09:30, resolved Tue 15:00         resp 30m > 15m breached 09:15; res 6h > 4h breached 13:00;
//	                                                        FCR yes; MTTR 6h / 6h
//	t4  P3 Wed 10:00, tom 10:05, resolved Wed 11:00,        resp met; res 1h+2h=3h met; FCR no (reopen);
//	    reopened Thu 10:00, resolved Thu 12:00              MTTR 26h cal / 7+3=10h bus; reopened within 14 days
//	t5  P2 Thu 09:00, ana 09:20, escalated to ben 10:00,    resp met; res 8h+1h=9h > 8h breached Thu 17:00;
//	    resolved Fri 10:00                                  FCR no (escalated, reassigned); MTTR 25h / 9h
//	t6  P4 Fri 14:00, ana 14:30, open                       resp met; res 3h of 40h = 7.5%; age 2 d
//	t7  P2 Mon 3 Feb, tom, waiting third party since 12:00  outside the period; res 3h of 8h = 37.5%, paused; age 34 d
//	t8  P1 Fri 16:00, nobody, open                          resp breached Fri 16:15; res 1h of 4h = 25%; age 2 d
//	t9  P3 Thu 09:00, ana at once, open                     resp met at creation; res 16h of 24h = 66.7%; age 3 d
//	t10 P2 Fri 10:00, ben at once, open                     resp met; res 7h of 8h = 87.5%; age 2 d
//	t11 P1 Thu 12:00, tom 12:05, open                       resp met; res 13h > 4h breached Thu 16:00; age 3 d
func TestReportsOnAHandBuiltWeek(t *testing.T) {
	t.Parallel()
	r := Compute(load(t, "week.json"), office(t), week(Filter{}), later)
	if !r.AsOf.Equal(weekTo) {
		t.Fatalf("as of %v, want the end of the period", r.AsOf)
	}
	tests := []struct{ name, got, want string }{
		// Created: t1-t6, t8-t11 = 10; resolved: t1, t2, t3, t4, t5 = 5.
		{"volume totals", itoa(r.Volume.Created) + "/" + itoa(r.Volume.Resolved), "10/5"},
		{"volume per day", countsString(r.Volume.Series),
			"2025-03-03 2/1, 2025-03-04 1/1, 2025-03-05 1/1, 2025-03-06 3/1, 2025-03-07 3/1, 2025-03-08 0/0, 2025-03-09 0/0"},
		// network t1 t4 t5 t11 created, t1 t4 t5 resolved; hardware t2 t6 / t2; email t3 / t3; servers t8 t10; collaboration t9.
		{"by category", countsString(r.Volume.ByCategory), "network 4/3, hardware 2/1, email 1/1, servers 2/0, collaboration 1/0"},
		{"by priority", countsString(r.Volume.ByPriority), "P1 3/1, P2 3/2, P3 3/2, P4 1/0"},
		// email t2 t5 t8 t11 / t2 t5; phone t1 t4 t9 / t1 t4; self t3 t10 / t3; walk-up t6.
		{"by source", countsString(r.Volume.BySource), "email 4/2, phone 3/2, self 2/1, walk-up 1/0"},
		// By resolver for resolved tickets, else assignee: tom t1 t3 t4 (+t11 created); ana t2 (+t6 t9); ben t5 (+t10).
		{"by technician", countsString(r.Volume.ByTechnician), "tom 4/3, ana 3/1, ben 2/1, (none) 1/0"},
		// Response due: all but t7 (10); breached t3, t8 -> 8/10. Resolution due: met t1 t2 t4, breached t3 t5 t11 -> 3/6.
		{"sla response", pct(r.SLA.Response), "80.0% (8/10)"},
		{"sla resolution", pct(r.SLA.Resolution), "50.0% (3/6)"},
		// P1 response: t3 breached, t8 breached, t11 met; P1 resolution: t3, t11 breached.
		{"sla P1", pct(r.SLA.ByPriority[0].Response) + " " + pct(r.SLA.ByPriority[0].Resolution), "33.3% (1/3) 0.0% (0/2)"},
		{"sla P2", pct(r.SLA.ByPriority[1].Response) + " " + pct(r.SLA.ByPriority[1].Resolution), "100.0% (3/3) 50.0% (1/2)"},
		{"sla P5", pct(r.SLA.ByPriority[4].Response), "-"},
		// Resolved t1..t5; at first contact t1, t3.
		{"fcr", pct(r.FCR.Ratio), "40.0% (2/5)"},
		// Calendar hours [2 6 25 26 44]: mean 103/5 = 20.6, median 25, p90 = 5th of 5 = 44.
		{"mttr calendar", ftoa(r.MTTR.CalendarHours.Mean) + " " + ftoa(r.MTTR.CalendarHours.Median) + " " + ftoa(r.MTTR.CalendarHours.P90), "20.60 25.00 44.00"},
		// Business hours [2 6 9 10 12]: mean 39/5 = 7.8, median 9, p90 12.
		{"mttr business", ftoa(r.MTTR.BusinessHours.Mean) + " " + ftoa(r.MTTR.BusinessHours.Median) + " " + ftoa(r.MTTR.BusinessHours.P90), "7.80 9.00 12.00"},
		// Open at Mon 10 Mar 00:00: t6 t7 t8 t9 t10 t11.
		{"backlog open", itoa(r.Backlog.Open), "6"},
		{"backlog by age", bucketsString(r.Backlog.ByAge), "0-1 d:0 1-5 d:5 6-10 d:0 11-30 d:0 > 30 d:1"},
		// t6 7.5%, t7 37.5%, t8 25% -> < 50%; t9 66.7%; t10 87.5%; t11 breached.
		{"backlog by sla", bucketsString(r.Backlog.BySLA), "< 50%:3 50-75%:1 76-90%:1 > 90%:0 breached:1"},
		// Resolved in the period: t1..t5; t4 reopened a day after its first resolution.
		{"reopen", pct(r.Reopen.Ratio), "20.0% (1/5)"},
		{"trends", itoa(len(r.Trends.Items)), "0"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	// Per technician. tom: open t7 t11; resolved t1 t3 t4; FCR t1 t3 of 3; SLA targets of t1 (2 met), t3 (2 breached),
	// t4 (2 met), t11 (response met, resolution breached): 8 due, 2+0+2+1 = 5 met; 30 min logged in the period (t7's log is in February).
	// ana: open t6 t9; resolved t2; FCR 0/1; SLA t2 (2 met), t6, t9 (responses met) = 4/4; 45 min.
	// ben: open t10; resolved t5; FCR 0/1; SLA t5 (response met, resolution breached), t10 (response met) = 2/3; 90 min.
	var rows []string
	for _, x := range r.Technicians.Rows {
		rows = append(rows, x.Technician+" open "+itoa(x.OpenLoad)+" resolved "+itoa(x.Resolved)+" sla "+pct(x.SLA)+" fcr "+pct(x.FCR)+" hours "+ftoa(x.HoursLogged))
	}
	want := []string{
		"ana open 2 resolved 1 sla 100.0% (4/4) fcr 0.0% (0/1) hours 0.75",
		"ben open 1 resolved 1 sla 66.7% (2/3) fcr 0.0% (0/1) hours 1.50",
		"tom open 2 resolved 3 sla 62.5% (5/8) fcr 66.7% (2/3) hours 0.50",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("technicians:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	tickets := load(t, "week.json")
	e := office(t)
	tests := []struct {
		name   string
		filter Filter
		want   string // created/resolved, FCR, open backlog
	}{
		// network: t1 t4 t5 t11 created (t7 before the period); resolved t1 t4 t5; FCR t1 only; open t7 t11.
		{"category", Filter{Category: "Network"}, "4/3 33.3% (1/3) open 2"},
		// P1: t3 t8 t11; resolved t3 (FCR yes); open t8 t11.
		{"priority", Filter{Priority: 1}, "3/1 100.0% (1/1) open 2"},
		// tom: t1 t3 t4 t11 created, t7 open from before; resolved t1 t3 t4; FCR t1 t3; open t7 t11.
		{"technician", Filter{Technician: "tom"}, "4/3 66.7% (2/3) open 2"},
		// A technician named through Names: "Tom Berg" is the assignee "tom".
		{"technician by name", Filter{Technician: "tom berg", Names: map[string]string{"tom": "Tom Berg"}}, "4/3 66.7% (2/3) open 2"},
		// The first two days only, as of Wed 00:00: created t1 t2 t3; resolved t1 t3; t2 open (waiting), plus t7.
		{"period", Filter{Period: Period{From: weekFrom, To: weekFrom.AddDate(0, 0, 2)}}, "3/2 100.0% (2/2) open 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.filter
			if f.From.IsZero() {
				f = week(f)
			}
			r := Compute(tickets, e, f, later)
			got := itoa(r.Volume.Created) + "/" + itoa(r.Volume.Resolved) + " " + pct(r.FCR.Ratio) + " open " + itoa(r.Backlog.Open)
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWeeklyVolumeBuckets(t *testing.T) {
	t.Parallel()
	// Weeks start on Monday: the two weeks from Mon 24 Feb hold t7? No: t7 is 3 Feb. 24 Feb-2 Mar has nothing,
	// 3-9 Mar has the 10 tickets created and 5 resolved.
	f := Filter{Period: Period{From: time.Date(2025, 2, 24, 0, 0, 0, 0, time.UTC), To: weekTo}, Granularity: "week"}
	r := Compute(load(t, "week.json"), office(t), f, later)
	if got := countsString(r.Volume.Series); got != "2025-02-24 0/0, 2025-03-03 10/5" {
		t.Fatalf("weekly series = %s", got)
	}
}

func TestTrends(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	var tickets []Ticket
	add := func(n int, daysBackFrom, daysBackTo int, category, title string) {
		for i := range n {
			// spread n tickets over (daysBackTo, daysBackFrom] days before asOf
			back := daysBackFrom - (i*(daysBackFrom-daysBackTo))/n
			tickets = append(tickets, Ticket{ID: category + itoa(len(tickets)), Title: title, Category: category, Priority: 3,
				Timeline: sla.Timeline{Created: asOf.Add(-time.Duration(back)*24*time.Hour + time.Hour), Priority: 3}})
		}
	}
	// VPN: 40 in the 12 baseline weeks (days 105..22 back), 31 in the last 3 weeks (days 21..1 back).
	// Weekly: 31/3 = 10.33 against 40/12 = 3.33 -> 3.1x.
	add(40, 105, 22, "VPN", "VPN slow")
	add(31, 21, 1, "VPN", "VPN drops")
	// Printers: 24 in the baseline, 6 recently: 2/week against 2/week -> 1.0x, no trend.
	add(24, 105, 22, "Printing", "Printer jam")
	add(6, 21, 1, "Printing", "Printer jam")
	// Phones: 5 recently and none before: under the 6-ticket floor.
	add(5, 21, 1, "Phones", "Desk phone dead")
	// "Outlook" rises in two categories (8 recent, none before): a term trend of its own.
	add(4, 21, 1, "Email", "Outlook freezes")
	add(4, 21, 1, "Software", "Outlook add-in freezes")
	// Scanners: 6 recently against 8 in the baseline (2 expected): 3x, but a rise that
	// likely (1.7%) by chance at the baseline rate is not a trend.
	add(8, 105, 22, "Scanning", "Scanner streaks")
	add(6, 21, 1, "Scanning", "Scanner streaks")
	r := Compute(tickets, office(t), Filter{Period: Period{From: asOf.AddDate(0, 0, -7), To: asOf}}, asOf)
	var got []string
	for _, it := range r.Trends.Items {
		got = append(got, it.Statement)
	}
	// "drops" is new (31 recent, 0 before) but all in VPN tickets: it says what the VPN
	// rise is about and is told with it; "vpn" as a term repeats the category and is left
	// out. "outlook" and "freezes" span two categories: terms of their own, new, so they
	// rank first.
	want := []string{
		"freezes: 8 tickets in the last 3 weeks, none in the 12 weeks before",
		"outlook: 8 tickets in the last 3 weeks, none in the 12 weeks before",
		`VPN: 31 tickets in the last 3 weeks, 3.1x its 12-week average; most mention "drops"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("trends:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if vpn := r.Trends.Items[2]; !slices.Equal(vpn.Terms, []string{"drops"}) {
		t.Fatalf("VPN terms = %v", vpn.Terms)
	}
}

func TestChanceOfAtLeast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k        int
		expected float64
		want     float64
	}{
		{6, 2, 0.0166},      // 1 - sum_{i<6} e^-2 2^i / i!
		{31, 10, 7.98e-8},   // the VPN rise: far beyond chance
		{1, 0.5, 0.3935},    // 1 - e^-0.5
		{6, 0, 0},           // nothing expected: any rise is new
		{400, 300, 2.21e-8}, // large counts do not underflow to "likely"
		{300, 300, 0.5077},  // the expected count is no rise at all
	}
	for _, tt := range tests {
		got := chanceOfAtLeast(tt.k, tt.expected)
		if math.Abs(got-tt.want) > tt.want*0.05+1e-9 {
			t.Errorf("chanceOfAtLeast(%d, %g) = %.4g, want %.4g", tt.k, tt.expected, got, tt.want)
		}
	}
}

func TestCSVOfEveryTable(t *testing.T) {
	t.Parallel()
	r := Compute(load(t, "week.json"), office(t), week(Filter{}), later)
	for _, name := range tableNames {
		out, err := r.CSV(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if lines := strings.Count(out, "\n"); lines < 2 && name != "trends" { // this week has no trend: a header only
			t.Errorf("%s: %d lines:\n%s", name, lines, out)
		}
	}
	out, _ := r.CSV("mttr")
	if want := "clock,tickets,mean,median,p90\ncalendar,5,20.60,25.00,44.00\nbusiness,5,7.80,9.00,12.00\n"; out != want {
		t.Errorf("mttr csv = %q, want %q", out, want)
	}
	out, _ = r.CSV("volume-by-category")
	if !strings.HasPrefix(out, "category,created,resolved\nnetwork,4,3\n") {
		t.Errorf("volume-by-category csv = %q", out)
	}
	if _, err := r.CSV("nonsense"); err == nil {
		t.Error("CSV of an unknown table gave no error")
	}
}

func TestWeeklySummary(t *testing.T) {
	t.Parallel()
	w := WeeklySummary(load(t, "week.json"), office(t), time.Date(2025, 3, 5, 15, 0, 0, 0, time.UTC).AddDate(0, 0, -2), later)
	if !w.Week.From.Equal(weekFrom) || !w.Week.To.Equal(weekTo) {
		t.Fatalf("week = %+v", w.Week)
	}
	// Breached in the week: t3 response 09:15 Tue, t3 resolution 13:00 Tue, t11 resolution 16:00 Thu,
	// t5 resolution 17:00 Thu, t8 response 16:15 Fri.
	var got []string
	for _, b := range w.Breaches {
		got = append(got, b.Number+" "+b.Target)
	}
	if g := strings.Join(got, ", "); g != "A-3 response, A-3 resolution, A-11 resolution, A-5 resolution, A-8 response" {
		t.Fatalf("breaches = %s", g)
	}
	if w.Lines[0] != "10 tickets created, 5 resolved." || !strings.Contains(w.Lines[1], "response 80.0% (8 of 10)") {
		t.Fatalf("lines = %q", w.Lines)
	}
}

// Stop words (bleve's lists), help-desk boilerplate and words in a large share of all
// titles are no trend, however much they rise; the word that says what the tickets are
// about still is.
func TestTrendsLeaveOutStopWordsAndBoilerplate(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	var tickets []Ticket
	add := func(n int, daysBackFrom, daysBackTo int, category, title string) {
		for i := range n {
			back := daysBackFrom - (i*(daysBackFrom-daysBackTo))/n
			tickets = append(tickets, Ticket{ID: category + itoa(len(tickets)), Title: title, Category: category, Priority: 3,
				Timeline: sla.Timeline{Created: asOf.Add(-time.Duration(back)*24*time.Hour + time.Hour), Priority: 3}})
		}
	}
	add(60, 105, 22, "Accounts", "Password reset")
	add(4, 21, 1, "Email", "TERM: the client asks about their mailbox quota")
	add(4, 21, 1, "Software", "TERM: the client asks about which licence")
	add(4, 21, 1, "Hardware", "TERM: the client asks about a docking station")
	add(4, 21, 1, "Phones", "TERM: the client asks about voicemail")
	add(8, 21, 1, "Software", "Kalender synchronisiert nicht mit dem Telefon")
	r := Compute(tickets, office(t), Filter{Period: Period{From: asOf.AddDate(0, 0, -7), To: asOf}}, asOf)
	var names []string
	for _, it := range r.Trends.Items {
		names = append(append(names, it.Name), it.Terms...)
	}
	for _, noise := range []string{"term", "client", "asks", "the", "about", "their", "nicht", "mit", "dem"} {
		if slices.Contains(names, noise) {
			t.Errorf("%q is reported as a trend: %v", noise, names)
		}
	}
	if !slices.Contains(names, "kalender") {
		t.Errorf("the real rise is missing: %v", names)
	}
}

// A replica with no tickets yet reports an empty list of trends, not null: the UI counts it.
func TestTrendsOfNoTicketsIsAnEmptyList(t *testing.T) {
	t.Parallel()
	r := Compute(nil, office(t), week(Filter{}), later)
	b, err := json.Marshal(r.Trends)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if string(doc.Items) != "[]" {
		t.Fatalf("items = %s, want []", doc.Items)
	}
}
