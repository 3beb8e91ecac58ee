// Package assign suggests who should take a ticket: the category's skills, tier,
// open load against a limit, and whether the person is working now or at the visit
// time, each explained in words; and picks one by round-robin or least load.
// It is pure: the caller hands it the technicians, their load and the time.
package assign

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/schedule"
)

// Candidate is a technician as the suggestion sees them.
type Candidate struct {
	ID       string
	Name     string
	Tier     int
	Skills   map[string]int // skill -> level 1..5
	OpenLoad int
	OnSite   bool // goes on site visits
	Schedule schedule.Schedule
}

// Request describes the work to be assigned.
type Request struct {
	Category string
	Tier     int
	At       time.Time          // now
	Visit    *schedule.Interval // the visit window, when the work is on site
}

// Suggestion is one technician, whether they qualify, and why.
type Suggestion struct {
	TechnicianID string   `json:"technicianId"`
	Name         string   `json:"name"`
	Qualified    bool     `json:"qualified"`
	Skill        string   `json:"skill"` // the best matching skill, "" when none is needed or held
	Level        int      `json:"level"`
	OpenLoad     int      `json:"openLoad"`
	Available    bool     `json:"available"` // working now, or through the whole visit
	Reason       string   `json:"reason"`
	Problems     []string `json:"problems"`
}

// Suggest ranks every candidate for req: qualified ones first (best skill level,
// then fewest open tickets), then the rest with what keeps each out.
func Suggest(cands []Candidate, set Settings, req Request) []Suggestion {
	required := set.SkillsFor(req.Category)
	maxOpen := set.MaxOpen
	if maxOpen <= 0 {
		maxOpen = DefaultMaxOpen
	}
	out := make([]Suggestion, 0, len(cands))
	zones := map[string]*time.Location{} // load each zone once
	for _, c := range cands {
		loc, ok := zones[c.Schedule.Hours.Zone]
		if !ok {
			loc = c.Schedule.Location()
			zones[c.Schedule.Hours.Zone] = loc
		}
		c.Schedule = c.Schedule.WithLocation(loc)
		out = append(out, judge(c, required, maxOpen, req))
	}
	slices.SortFunc(out, func(a, b Suggestion) int {
		if a.Qualified != b.Qualified {
			if a.Qualified {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(len(a.Problems), len(b.Problems)),
			cmp.Compare(b.Level, a.Level),
			cmp.Compare(a.OpenLoad, b.OpenLoad),
			strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
			strings.Compare(a.TechnicianID, b.TechnicianID),
		)
	})
	return out
}

func judge(c Candidate, required []string, maxOpen int, req Request) Suggestion {
	s := Suggestion{TechnicianID: c.ID, Name: c.Name, OpenLoad: c.OpenLoad, Problems: []string{}}
	var good []string

	for _, sk := range required {
		if l := c.Skills[sk]; l > s.Level {
			s.Skill, s.Level = sk, l
		}
	}
	switch {
	case len(required) == 0:
	case s.Level == 0:
		s.Problems = append(s.Problems, "no "+orList(required)+" skill")
	default:
		good = append(good, fmt.Sprintf("has %s skill (level %d)", s.Skill, s.Level))
	}

	if c.Tier < req.Tier {
		s.Problems = append(s.Problems, fmt.Sprintf("tier %d, the ticket needs tier %d", c.Tier, req.Tier))
	}

	if c.OpenLoad >= maxOpen {
		s.Problems = append(s.Problems, fmt.Sprintf("at capacity: %s (limit %d)", tickets(c.OpenLoad), maxOpen))
	} else {
		good = append(good, tickets(c.OpenLoad))
	}

	loc := c.Schedule.Location()
	if req.Visit != nil {
		if !c.OnSite {
			s.Problems = append(s.Problems, "works remotely, not on site")
		}
		if off, iv, ok := c.Schedule.OffDuring(*req.Visit); ok {
			s.Problems = append(s.Problems, "on time off"+note(off)+" until "+day(iv.End, loc))
		} else if c.Schedule.Covers(*req.Visit) {
			s.Available = true
			good = append(good, "on shift for the visit ("+day(req.Visit.Start, loc)+" "+
				hm(req.Visit.Start, loc)+"-"+hm(req.Visit.End, loc)+")")
		} else {
			s.Problems = append(s.Problems, "not working during the visit ("+day(req.Visit.Start, loc)+" "+
				hm(req.Visit.Start, loc)+"-"+hm(req.Visit.End, loc)+")")
		}
	} else {
		sh, onShift := c.Schedule.ShiftAt(req.At)
		off, iv, onLeave := c.Schedule.OffAt(req.At)
		switch {
		case onLeave:
			s.Problems = append(s.Problems, "on time off"+note(off)+" until "+day(iv.End, loc))
		case onShift:
			s.Available = true
			good = append(good, "on shift until "+until(req.At, sh.End, loc))
		default:
			msg := "off shift"
			if next, ok := c.Schedule.NextShift(req.At); ok {
				msg += " (next shift " + day(next.Start, loc) + " " + hm(next.Start, loc) + ")"
			}
			s.Problems = append(s.Problems, msg)
		}
	}

	s.Qualified = len(s.Problems) == 0
	if s.Qualified {
		s.Reason = capitalize(strings.Join(good, ", "))
	} else {
		s.Reason = "Not suggested: " + strings.Join(s.Problems, "; ")
	}
	return s
}

// Mode is how auto-assign picks among the qualified.
type Mode string

// Modes of auto-assignment.
const (
	RoundRobin  Mode = "round-robin"  // the next qualified technician after whoever was assigned last
	LeastLoaded Mode = "least-loaded" // the qualified technician with the fewest open tickets
)

// ErrNoneQualified says nobody can take the ticket now.
var ErrNoneQualified = errors.New("no technician qualifies for this ticket")

// Pick chooses one qualified suggestion. For round-robin, last holds when each
// technician last received an assignment (derived from the tickets): the rotation
// runs in technician ID order, so every device computes the same turn.
func Pick(sugs []Suggestion, mode Mode, last map[string]time.Time) (Suggestion, error) {
	var q []Suggestion
	for _, s := range sugs {
		if s.Qualified {
			q = append(q, s)
		}
	}
	if len(q) == 0 {
		return Suggestion{}, ErrNoneQualified
	}
	switch mode {
	case LeastLoaded:
		best := q[0] // q keeps Suggest's order: higher skill level first among equal loads
		for _, s := range q[1:] {
			if s.OpenLoad < best.OpenLoad {
				best = s
			}
		}
		return best, nil
	case RoundRobin:
		slices.SortFunc(q, func(a, b Suggestion) int { return strings.Compare(a.TechnicianID, b.TechnicianID) })
		lastIdx, lastAt := -1, time.Time{}
		for i, s := range q {
			if t := last[s.TechnicianID]; !t.IsZero() && t.After(lastAt) {
				lastIdx, lastAt = i, t
			}
		}
		return q[(lastIdx+1)%len(q)], nil
	}
	return Suggestion{}, fmt.Errorf("unknown assignment mode %q (use %s or %s)", mode, RoundRobin, LeastLoaded)
}

func tickets(n int) string {
	switch n {
	case 0:
		return "no open tickets"
	case 1:
		return "1 open ticket"
	}
	return fmt.Sprintf("%d open tickets", n)
}

func orList(xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func note(o schedule.TimeOff) string {
	if o.Note == "" {
		return ""
	}
	return " (" + o.Note + ")"
}

func hm(t time.Time, loc *time.Location) string  { return t.In(loc).Format("15:04") }
func day(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan") }

// until names the end of a shift: the time alone when it ends the same day, with the day otherwise.
func until(now, end time.Time, loc *time.Location) string {
	n, e := now.In(loc), end.In(loc)
	if n.YearDay() == e.YearDay() && n.Year() == e.Year() {
		return hm(end, loc)
	}
	return e.Format("Mon 15:04")
}

func capitalize(s string) string {
	if s == "" {
		return "Qualified"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
