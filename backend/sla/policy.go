package sla

import (
	"fmt"
	"strings"
	"time"

	"outpost/backend/core/field"
)

// Unit is the unit of a target.
type Unit string

// Units of a target. A business day is the calendar's DayMinutes (24 hours on a 24x7 clock).
const (
	Minutes      Unit = "minutes"
	Hours        Unit = "hours"
	BusinessDays Unit = "days"
)

// Span is a target length, such as 4 hours or 3 business days.
type Span struct {
	Amount int  `json:"amount"`
	Unit   Unit `json:"unit"`
}

func (s Span) String() string {
	switch s.Unit {
	case BusinessDays:
		return fmt.Sprintf("%d business day%s", s.Amount, plural(s.Amount))
	case Hours:
		return fmt.Sprintf("%d h", s.Amount)
	}
	return fmt.Sprintf("%d min", s.Amount)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// duration is the span in business time, given the length of a business day.
func (s Span) duration(day time.Duration) time.Duration {
	switch s.Unit {
	case BusinessDays:
		return time.Duration(s.Amount) * day
	case Hours:
		return time.Duration(s.Amount) * time.Hour
	}
	return time.Duration(s.Amount) * time.Minute
}

// Target is the policy of one priority.
type Target struct {
	Priority   int  `json:"priority"`
	Response   Span `json:"response"`
	Resolution Span `json:"resolution"`
	// AllHours makes this priority's clock run 24x7 whatever the calendar says.
	AllHours bool `json:"allHours"`
}

// Policy holds the targets of P1..P5 and when to warn.
type Policy struct {
	Targets [5]Target `json:"targets"` // Targets[p-1] is priority p
	// WarnAt are the shares of a target, in percent, at which a warning is raised.
	WarnAt [2]int `json:"warnAt"`
}

// DefaultPolicy is the targets of DOMAIN.md: P1 15 min / 4 h, P2 1 h / 8 h, P3 4 h / 3 business days,
// P4 1 business day / 5 business days, P5 2 business days / 10 business days; warnings at 75% and 90%.
func DefaultPolicy() Policy {
	return Policy{
		Targets: [5]Target{
			{1, Span{15, Minutes}, Span{4, Hours}, false},
			{2, Span{1, Hours}, Span{8, Hours}, false},
			{3, Span{4, Hours}, Span{3, BusinessDays}, false},
			{4, Span{1, BusinessDays}, Span{5, BusinessDays}, false},
			{5, Span{2, BusinessDays}, Span{10, BusinessDays}, false},
		},
		WarnAt: [2]int{75, 90},
	}
}

// Validate checks the policy and names the first bad field ("policy.P2.resolution", ...).
func (p Policy) Validate() error {
	for i, t := range p.Targets {
		name, label := fmt.Sprintf("policy.P%d", i+1), fmt.Sprintf("P%d", i+1)
		if t.Priority != i+1 {
			return field.Relabel(field.Errorf(name+".priority", "must be %d", i+1), label+" priority")
		}
		for _, s := range []struct {
			name, label string
			span        Span
		}{{".response", " response", t.Response}, {".resolution", " resolution", t.Resolution}} {
			switch s.span.Unit {
			case Minutes, Hours, BusinessDays:
			default:
				return field.Relabel(field.Errorf(name+s.name, "must be in minutes, hours or days"), label+s.label)
			}
			if s.span.Amount < 1 || s.span.duration(24*time.Hour) > 365*24*time.Hour {
				return field.Relabel(field.Errorf(name+s.name, "must be at least 1 %s and at most a year", strings.TrimSuffix(string(s.span.Unit), "s")), label+s.label)
			}
		}
	}
	if p.WarnAt[0] < 1 || p.WarnAt[0] >= p.WarnAt[1] || p.WarnAt[1] > 99 {
		return field.Relabel(field.Errorf("policy.warnAt", "must be two percentages from 1 to 99, the first below the second"), "Warn at")
	}
	return nil
}

// Settings are the team's SLA settings: the policy and the business calendar.
type Settings struct {
	Policy   Policy   `json:"policy"`
	Calendar Calendar `json:"calendar"`
}

// DefaultSettings are DefaultPolicy on DefaultCalendar.
func DefaultSettings() Settings {
	return Settings{Policy: DefaultPolicy(), Calendar: DefaultCalendar()}
}

// Validate checks both parts and names the first bad field. A response target must not be
// later than its resolution target, business days counted as the engine counts them: the
// calendar's day length, or 24 hours when the team or the priority runs 24x7.
func (s Settings) Validate() error {
	if err := field.First(s.Policy.Validate(), s.Calendar.Validate()); err != nil {
		return err
	}
	for _, t := range s.Policy.Targets {
		day := time.Duration(s.Calendar.DayMinutes) * time.Minute
		if s.Calendar.AllHours || t.AllHours {
			day = 24 * time.Hour
		}
		if t.Response.duration(day) > t.Resolution.duration(day) {
			err := field.Errorf(fmt.Sprintf("policy.P%d.response", t.Priority), "cannot be due after the resolution (response %s, resolution %s)", t.Response, t.Resolution)
			return field.Relabel(err, fmt.Sprintf("P%d response", t.Priority))
		}
	}
	return nil
}
