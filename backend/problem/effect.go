package problem

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/ticket"
)

// DefaultWindow is how far before and after the fix incidents are counted.
const DefaultWindow = 28 * 24 * time.Hour

// Effect compares incidents before and after a problem's fix. It is computed
// from the tickets each time it is asked for and never stored.
type Effect struct {
	FixedAt       *time.Time `json:"fixedAt"`
	WindowDays    int        `json:"windowDays"`
	Before        int        `json:"before"`        // incidents in the window before the fix
	After         int        `json:"after"`         // incidents since the fix, within the window
	AfterDays     float64    `json:"afterDays"`     // days elapsed since the fix, capped at the window
	BeforePerWeek float64    `json:"beforePerWeek"` // incidents per week before the fix
	AfterPerWeek  float64    `json:"afterPerWeek"`  // incidents per week since the fix
	Verdict       string     `json:"verdict"`       // one plain sentence
	Rule          string     `json:"rule"`          // what was counted
}

// Counts reports the incidents of p before and after its fix. An incident is a
// ticket linked to the problem or, when the problem has a category, any ticket
// of that category; it is counted by the time it was created. Without a fix
// date, Before counts the last window up to now and After stays zero.
func Counts(p Problem, tickets []ticket.Summary, now time.Time, window time.Duration) Effect {
	if window <= 0 {
		window = DefaultWindow
	}
	e := Effect{FixedAt: p.FixedAt, WindowDays: int(window / (24 * time.Hour))}
	e.Rule = "tickets linked to the problem"
	if p.Category != "" {
		e.Rule += fmt.Sprintf(" or in category %q", p.Category)
	}
	e.Rule += fmt.Sprintf(", by creation time, %d days either side of the fix", e.WindowDays)
	pivot := now
	if p.FixedAt != nil {
		pivot = *p.FixedAt
	}
	end := min64(pivot.Add(window), now)
	for _, t := range tickets {
		if !slices.Contains(p.Incidents, t.ID) && (p.Category == "" || !strings.EqualFold(t.Category, p.Category)) {
			continue
		}
		switch {
		case !t.Created.Before(pivot.Add(-window)) && t.Created.Before(pivot):
			e.Before++
		case p.FixedAt != nil && !t.Created.Before(pivot) && t.Created.Before(end):
			e.After++
		}
	}
	weeks := window.Hours() / (24 * 7)
	e.BeforePerWeek = round1(float64(e.Before) / weeks)
	if p.FixedAt == nil {
		e.Verdict = fmt.Sprintf("No fix recorded yet: %d incidents in the last %d days.", e.Before, e.WindowDays)
		return e
	}
	since := end.Sub(pivot)
	if since < 0 {
		since = 0
	}
	e.AfterDays = round1(since.Hours() / 24)
	if since < 24*time.Hour {
		e.Verdict = fmt.Sprintf("The fix is less than a day old: %d incidents in the %d days before it.", e.Before, e.WindowDays)
		return e
	}
	e.AfterPerWeek = round1(float64(e.After) / (since.Hours() / (24 * 7)))
	switch {
	case e.Before == 0 && e.After == 0:
		e.Verdict = "No incidents before or after the fix."
	case e.AfterPerWeek < e.BeforePerWeek*0.5:
		e.Verdict = fmt.Sprintf("It worked: incidents fell from %.1f to %.1f a week after the fix.", e.BeforePerWeek, e.AfterPerWeek)
	case e.AfterPerWeek < e.BeforePerWeek:
		e.Verdict = fmt.Sprintf("Incidents fell a little, from %.1f to %.1f a week after the fix.", e.BeforePerWeek, e.AfterPerWeek)
	default:
		e.Verdict = fmt.Sprintf("Not yet: %.1f incidents a week after the fix against %.1f before.", e.AfterPerWeek, e.BeforePerWeek)
	}
	return e
}

func min64(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }
