// Package plan implements performance improvement plans: goals with measurable
// targets tied to Outpost's own figures (SLA compliance, first-contact
// resolution, quality-review scores), a weekly review cadence at which the live
// figure is set against each target, and review entries appended over time.
// Plans are private like coaching notes: sealed to the lead and, when shared,
// to the technician.
package plan

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/field"
)

// Kind is the record kind of improvement plans in the store. A plan is a private
// item (backend/private): its Content is sealed, its subject and author are not.
const Kind = "improvement-plan"

// fReviews holds the weekly review entries: append-only items, each a sealed.Box
// of Entry sealed to the plan's readers.
const fReviews = "reviews"

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// Limits.
const (
	MaxGoals = 10
	MaxText  = 4000
)

// Metric is a figure Outpost computes that a goal can target.
type Metric string

// Metrics a goal can target.
const (
	SLACompliance      Metric = "sla_compliance"      // % of SLA targets met
	FCR                Metric = "fcr"                 // % of tickets resolved at first contact
	DocumentationScore Metric = "documentation_score" // quality-review documentation score, 1-5
	ReviewAverage      Metric = "review_average"      // quality-review average over the rubric, 1-5
	ReopenRate         Metric = "reopen_rate"         // % of resolved tickets reopened
)

// Metrics lists every metric with its unit and the direction that is better.
var metricInfos = []MetricInfo{
	{SLACompliance, "SLA compliance", "%", ">="},
	{FCR, "First-contact resolution", "%", ">="},
	{DocumentationScore, "Documentation score (quality reviews)", "/5", ">="},
	{ReviewAverage, "Quality review average", "/5", ">="},
	{ReopenRate, "Reopen rate", "%", "<="},
}

// Metrics lists the figures a goal can target; the slice is the caller's own.
func Metrics() []MetricInfo { return slices.Clone(metricInfos) }

// MetricInfo describes a metric.
type MetricInfo struct {
	Metric Metric `json:"metric"`
	Label  string `json:"label"`
	Unit   string `json:"unit"`
	Better string `json:"better"` // the comparison a target of this metric uses
}

func info(m Metric) (MetricInfo, bool) {
	for _, i := range metricInfos {
		if i.Metric == m {
			return i, true
		}
	}
	return MetricInfo{}, false
}

// Goal is one measurable target.
type Goal struct {
	ID     string  `json:"id"`
	Metric Metric  `json:"metric"`
	Target float64 `json:"target"`
	Note   string  `json:"note"`
}

// Label is how the goal reads: "SLA compliance >= 90%".
func (g Goal) Label() string {
	i, _ := info(g.Metric)
	return fmt.Sprintf("%s %s %s%s", i.Label, i.Better, trim(g.Target), i.Unit)
}

// Status of a plan.
type Status string

// Plan statuses.
const (
	StatusActive    Status = "active"
	StatusCompleted Status = "completed"
	StatusCancelled Status = "cancelled"
)

// Content is what is sealed.
type Content struct {
	Title  string `json:"title"`
	Goals  []Goal `json:"goals"`
	Start  string `json:"start"` // first day, YYYY-MM-DD
	End    string `json:"end"`   // last day, YYYY-MM-DD
	Status Status `json:"status"`
	Notes  string `json:"notes"`
}

// CadenceDays is the review cadence: weekly.
const CadenceDays = 7

// Normalize trims text, numbers goals and fills defaults.
func (c *Content) Normalize(today time.Time) {
	c.Title, c.Notes, c.Start, c.End = strings.TrimSpace(c.Title), strings.TrimSpace(c.Notes), strings.TrimSpace(c.Start), strings.TrimSpace(c.End)
	if c.Start == "" {
		c.Start = today.Format(DateLayout)
	}
	if c.End == "" {
		if s, err := time.Parse(DateLayout, c.Start); err == nil {
			c.End = s.AddDate(0, 0, 8*CadenceDays-1).Format(DateLayout)
		}
	}
	if c.Status == "" {
		c.Status = StatusActive
	}
	for i := range c.Goals {
		c.Goals[i].Note = strings.TrimSpace(c.Goals[i].Note)
		if c.Goals[i].ID == "" {
			c.Goals[i].ID = fmt.Sprintf("g%d", i+1)
		}
	}
}

// Validate checks the content, naming the field at fault.
func (c Content) Validate() error {
	if err := field.First(field.Text("title", c.Title, 200, true, false), field.Text("notes", c.Notes, MaxText, false, true)); err != nil {
		return err
	}
	start, err := time.Parse(DateLayout, c.Start)
	if err != nil {
		return field.Errorf("start", "must be a date written YYYY-MM-DD")
	}
	end, err := time.Parse(DateLayout, c.End)
	if err != nil {
		return field.Errorf("end", "must be a date written YYYY-MM-DD")
	}
	if end.Sub(start) < (CadenceDays-1)*24*time.Hour {
		return field.Errorf("end", "a plan runs at least one week (one review)")
	}
	switch c.Status {
	case StatusActive, StatusCompleted, StatusCancelled:
	default:
		return field.Errorf("status", "must be active, completed or cancelled")
	}
	if len(c.Goals) == 0 {
		return field.Errorf("goals", "add at least one goal with a measurable target")
	}
	if len(c.Goals) > MaxGoals {
		return field.Errorf("goals", "at most %d goals", MaxGoals)
	}
	seen := map[string]bool{}
	for i, g := range c.Goals {
		name, label := fmt.Sprintf("goals.%d", i), fmt.Sprintf("Goal %d", i+1)
		i, ok := info(g.Metric)
		if !ok {
			return field.Relabel(field.Errorf(name+".metric", "choose one of Outpost's figures"), label)
		}
		max := 100.0
		if i.Unit == "/5" {
			max = 5
		}
		if g.Target <= 0 || g.Target > max || math.IsNaN(g.Target) {
			return field.Relabel(field.Errorf(name+".target", "must be above 0 and at most %s%s", trim(max), i.Unit), label+", target")
		}
		if seen[g.ID] {
			return field.Relabel(field.Errorf(name, "has the same ID as another goal (%q)", g.ID), label)
		}
		seen[g.ID] = true
		if err := field.Text(name+".note", g.Note, 500, false, false); err != nil {
			return field.Relabel(err, label+", note")
		}
	}
	return nil
}

// Figure is one goal's figure over a period set against its target.
type Figure struct {
	GoalID string  `json:"goalId"`
	Label  string  `json:"label"`
	Metric Metric  `json:"metric"`
	Target float64 `json:"target"`
	Value  float64 `json:"value"`
	Known  bool    `json:"known"` // false when there was nothing to measure (no tickets, no reviews)
	Met    bool    `json:"met"`
	Text   string  `json:"text"` // a plain sentence
}

// Measure sets value against g's target.
func Measure(g Goal, value float64, known bool) Figure {
	i, _ := info(g.Metric)
	f := Figure{GoalID: g.ID, Label: g.Label(), Metric: g.Metric, Target: g.Target, Value: round1(value), Known: known}
	if !known {
		f.Text = fmt.Sprintf("%s: nothing to measure this week.", i.Label)
		return f
	}
	if i.Better == "<=" {
		f.Met = value <= g.Target
	} else {
		f.Met = value >= g.Target
	}
	verdict := "below the target"
	if i.Better == "<=" {
		verdict = "above the target"
	}
	if f.Met {
		verdict = "on target"
	}
	f.Text = fmt.Sprintf("%s %s%s against a target of %s%s: %s.", i.Label, trim(f.Value), i.Unit, trim(g.Target), i.Unit, verdict)
	return f
}

// Entry is one weekly review: the figures as they stood and what was said.
type Entry struct {
	ID      string    `json:"id"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Date    string    `json:"date"`
	Figures []Figure  `json:"figures"`
	Note    string    `json:"note"`
}

// NextReview is the date of the next weekly review: a week after the last one,
// or a week after the start.
func NextReview(c Content, entries []Entry) string {
	base := c.Start
	for _, e := range entries {
		if e.Date > base {
			base = e.Date
		}
	}
	d, err := time.Parse(DateLayout, base)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, CadenceDays).Format(DateLayout)
}

func trim(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
