// Package summary writes the weekly summary a lead brings to the management
// meeting: the team's figures with the week before for comparison, rising
// trends, SLA breaches, problems opened and closed, and vendor follow-ups due,
// in plain sentences, rendered as one self-contained printable HTML page.
// It is pure: it formats figures it is given and reads no storage.
package summary

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Figures are the team's figures for one week; Known flags say whether a
// percentage had anything to count (no resolved tickets: no FCR).
type Figures struct {
	Created         int     `json:"created"`
	Resolved        int     `json:"resolved"`
	Backlog         int     `json:"backlog"` // open at the end of the week
	SLACompliance   float64 `json:"slaCompliance"`
	SLAKnown        bool    `json:"slaKnown"`
	FCR             float64 `json:"fcr"`
	FCRKnown        bool    `json:"fcrKnown"`
	MTTRHours       float64 `json:"mttrHours"` // mean time to resolve, business hours
	MTTRKnown       bool    `json:"mttrKnown"`
	ReopenRate      float64 `json:"reopenRate"`
	ReopenKnown     bool    `json:"reopenKnown"`
	MinutesLogged   int     `json:"minutesLogged"`
	BreachesCounted int     `json:"breachesCounted"`
}

// Trend is a category or term whose volume rose above its own baseline.
type Trend struct {
	Name     string  `json:"name"`
	ThisWeek int     `json:"thisWeek"`
	Baseline float64 `json:"baseline"` // weekly average of the weeks before
	// Statement, when set, is the reports' own sentence for the trend and is used as it is.
	Statement string `json:"statement,omitempty"`
}

// Breach is a ticket that missed an SLA target this week.
type Breach struct {
	Number   string `json:"number"`
	Title    string `json:"title"`
	Priority int    `json:"priority"`
	Target   string `json:"target"` // "response" or "resolution"
	Assignee string `json:"assignee"`
}

// Problem is a problem record opened or closed this week.
type Problem struct {
	Title     string `json:"title"`
	Lens      string `json:"lens"`
	Status    string `json:"status"`
	Incidents int    `json:"incidents"`
	Verdict   string `json:"verdict"` // the before/after sentence, for closed problems
}

// VendorCase is a vendor follow-up that is due.
type VendorCase struct {
	Vendor      string `json:"vendor"`
	CaseNumber  string `json:"caseNumber"`
	Title       string `json:"title"`
	DaysOverdue int    `json:"daysOverdue"`
}

// Input is everything the summary is written from.
type Input struct {
	Team           string       `json:"team"`
	WeekStart      time.Time    `json:"weekStart"`
	This           Figures      `json:"this"`
	Last           Figures      `json:"last"`
	Trends         []Trend      `json:"trends"`
	Breaches       []Breach     `json:"breaches"`
	ProblemsOpened []Problem    `json:"problemsOpened"`
	ProblemsClosed []Problem    `json:"problemsClosed"`
	VendorDue      []VendorCase `json:"vendorDue"`
	Agreements     []string     `json:"agreements"` // expiry flags, one sentence each
	Generated      time.Time    `json:"generated"`
}

// Section is one heading of the page with its sentences and optional table.
type Section struct {
	Heading   string     `json:"heading"`
	Sentences []string   `json:"sentences"`
	Columns   []string   `json:"columns,omitempty"`
	Rows      [][]string `json:"rows,omitempty"`
}

// Summary is the written page.
type Summary struct {
	Title     string    `json:"title"`
	Period    string    `json:"period"`
	Headline  string    `json:"headline"`
	Sections  []Section `json:"sections"`
	Generated string    `json:"generated"`
}

// Write turns the input into sentences. Week boundaries are those of in.WeekStart's location.
func Write(in Input) Summary {
	end := in.WeekStart.AddDate(0, 0, 6)
	s := Summary{
		Title:     "Weekly summary",
		Period:    fmt.Sprintf("%s to %s", in.WeekStart.Format("Mon 2 Jan 2006"), end.Format("Mon 2 Jan 2006")),
		Generated: in.Generated.Format("2 Jan 2006 15:04"),
	}
	if in.Team != "" {
		s.Title = "Weekly summary: " + in.Team
	}
	s.Headline = headline(in)
	s.Sections = append(s.Sections, figuresSection(in), trendSection(in), breachSection(in), problemSection(in), vendorSection(in))
	return s
}

func headline(in Input) string {
	t := in.This
	parts := []string{fmt.Sprintf("%s opened and %s resolved", plural(t.Created, "ticket"), count(t.Resolved))}
	if t.SLAKnown {
		parts = append(parts, fmt.Sprintf("%s of SLA targets met", pct(t.SLACompliance)))
	}
	switch {
	case t.Backlog > in.Last.Backlog:
		parts = append(parts, fmt.Sprintf("the backlog grew to %d", t.Backlog))
	case t.Backlog < in.Last.Backlog:
		parts = append(parts, fmt.Sprintf("the backlog shrank to %d", t.Backlog))
	default:
		parts = append(parts, fmt.Sprintf("the backlog held at %d", t.Backlog))
	}
	return capitalise(join(parts)) + "."
}

func figuresSection(in Input) Section {
	t, l := in.This, in.Last
	sec := Section{Heading: "Figures", Columns: []string{"Figure", "This week", "Week before"}}
	sec.Sentences = append(sec.Sentences, fmt.Sprintf("The team opened %s (%s the week before) and resolved %s (%s).",
		plural(t.Created, "ticket"), count(l.Created), count(t.Resolved), count(l.Resolved)))
	if t.SLAKnown {
		sen := fmt.Sprintf("%s of SLA targets due this week were met", pct(t.SLACompliance))
		if l.SLAKnown {
			sen += ", " + change(t.SLACompliance, l.SLACompliance, "points")
		}
		sec.Sentences = append(sec.Sentences, sen+".")
	} else {
		sec.Sentences = append(sec.Sentences, "No SLA targets fell due this week.")
	}
	if t.FCRKnown {
		sec.Sentences = append(sec.Sentences, fmt.Sprintf("%s of resolved tickets were resolved at first contact (by the first assignee, without escalation, reassignment, waiting or reopening).", pct(t.FCR)))
	}
	if t.MTTRKnown {
		sec.Sentences = append(sec.Sentences, fmt.Sprintf("A ticket took %s business hours to resolve on average.", num(t.MTTRHours)))
	}
	if t.ReopenKnown && t.ReopenRate > 0 {
		sec.Sentences = append(sec.Sentences, fmt.Sprintf("%s of resolved tickets were reopened within 14 days.", pct(t.ReopenRate)))
	}
	if t.MinutesLogged > 0 {
		sec.Sentences = append(sec.Sentences, fmt.Sprintf("The team logged %s of work.", hours(t.MinutesLogged)))
	}
	opt := func(v float64, ok bool, f func(float64) string) string {
		if !ok {
			return "n/a"
		}
		return f(v)
	}
	sec.Rows = [][]string{
		{"Opened", count(t.Created), count(l.Created)},
		{"Resolved", count(t.Resolved), count(l.Resolved)},
		{"Open backlog", count(t.Backlog), count(l.Backlog)},
		{"SLA compliance", opt(t.SLACompliance, t.SLAKnown, pct), opt(l.SLACompliance, l.SLAKnown, pct)},
		{"First-contact resolution", opt(t.FCR, t.FCRKnown, pct), opt(l.FCR, l.FCRKnown, pct)},
		{"Mean time to resolve (business h)", opt(t.MTTRHours, t.MTTRKnown, num), opt(l.MTTRHours, l.MTTRKnown, num)},
		{"Reopen rate", opt(t.ReopenRate, t.ReopenKnown, pct), opt(l.ReopenRate, l.ReopenKnown, pct)},
	}
	return sec
}

func trendSection(in Input) Section {
	sec := Section{Heading: "Trends"}
	if len(in.Trends) == 0 {
		sec.Sentences = []string{"No category rose well above its usual weekly volume."}
		return sec
	}
	for _, tr := range in.Trends {
		if tr.Statement != "" {
			sec.Sentences = append(sec.Sentences, capitalise(strings.TrimSuffix(tr.Statement, "."))+".")
			continue
		}
		sen := fmt.Sprintf("Tickets in %s: %d this week against about %s a week before", tr.Name, tr.ThisWeek, num(tr.Baseline))
		if tr.Baseline > 0 {
			if r := float64(tr.ThisWeek) / tr.Baseline; r >= 1.95 {
				sen += fmt.Sprintf(" (%s)", multiple(r))
			}
		}
		sec.Sentences = append(sec.Sentences, sen+".")
	}
	return sec
}

func breachSection(in Input) Section {
	sec := Section{Heading: "SLA breaches"}
	if len(in.Breaches) == 0 {
		sec.Sentences = []string{"No ticket breached its SLA this week."}
		return sec
	}
	resp, res := 0, 0
	for _, b := range in.Breaches {
		if b.Target == "response" {
			resp++
		} else {
			res++
		}
	}
	sec.Sentences = []string{fmt.Sprintf("%s breached: %d on response and %d on resolution.", plural(len(in.Breaches), "SLA target"), resp, res)}
	sec.Columns = []string{"Ticket", "Title", "Priority", "Target missed", "Assignee"}
	for _, b := range in.Breaches {
		who := b.Assignee
		if who == "" {
			who = "unassigned"
		}
		sec.Rows = append(sec.Rows, []string{b.Number, b.Title, fmt.Sprintf("P%d", b.Priority), b.Target, who})
	}
	return sec
}

func problemSection(in Input) Section {
	sec := Section{Heading: "Problems"}
	if len(in.ProblemsOpened) == 0 && len(in.ProblemsClosed) == 0 {
		sec.Sentences = []string{"No problem records were opened or closed."}
		return sec
	}
	for _, p := range in.ProblemsOpened {
		sen := fmt.Sprintf("Opened: %s, with %s linked", p.Title, plural(p.Incidents, "incident"))
		if p.Lens != "" && p.Lens != "unknown" {
			sen += fmt.Sprintf("; the cause looks like a %s issue", p.Lens)
		}
		sec.Sentences = append(sec.Sentences, sen+".")
	}
	for _, p := range in.ProblemsClosed {
		sen := fmt.Sprintf("Closed: %s.", p.Title)
		if p.Verdict != "" {
			sen += " " + p.Verdict
		}
		sec.Sentences = append(sec.Sentences, sen)
	}
	return sec
}

func vendorSection(in Input) Section {
	sec := Section{Heading: "Vendors"}
	for _, v := range in.VendorDue {
		when := "due today"
		if v.DaysOverdue > 0 {
			when = plural(v.DaysOverdue, "day") + " overdue"
		}
		sec.Sentences = append(sec.Sentences, fmt.Sprintf("Follow up with %s on case %s (%s): %s.", v.Vendor, v.CaseNumber, v.Title, when))
	}
	sec.Sentences = append(sec.Sentences, in.Agreements...)
	if len(sec.Sentences) == 0 {
		sec.Sentences = []string{"No vendor follow-ups are due and no support agreement expires soon."}
	}
	return sec
}

func change(now, before float64, unit string) string {
	d := now - before
	switch {
	case math.Abs(d) < 0.05:
		return "the same as the week before"
	case d > 0:
		return fmt.Sprintf("up %s %s from the week before", num(d), unit)
	default:
		return fmt.Sprintf("down %s %s from the week before", num(-d), unit)
	}
}

func multiple(r float64) string {
	switch {
	case r >= 2.95 && r < 3.05:
		return "tripled"
	case r >= 1.95 && r < 2.05:
		return "doubled"
	}
	return num(r) + " times the usual"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func count(n int) string { return fmt.Sprintf("%d", n) }

func pct(f float64) string { return num(f) + "%" }

func num(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

func hours(min int) string {
	if min < 60 {
		return plural(min, "minute")
	}
	return num(math.Round(float64(min)/6)/10) + " hours"
}

func join(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
