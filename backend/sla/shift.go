package sla

// Standing is where an open ticket's SLA stands, as its queue badge shows it.
type Standing string

// Standings of an open ticket.
const (
	Within   Standing = "within"   // its most used target is below the first warning share
	AtRisk   Standing = "at-risk"  // past a warning share
	Overdue  Standing = "breached" // a target it still shows has breached
	NotShown Standing = ""         // resolved or closed at that instant: no badge
)

// StandingOf is the standing of r: its badge's state, in three classes.
func StandingOf(r Result) Standing {
	b := r.Badge()
	switch {
	case b == nil:
		return NotShown
	case b.State == Breached:
		return Overdue
	case b.State == Warning75 || b.State == Warning90:
		return AtRisk
	}
	return Within
}

// Shift counts how a change of SLA settings moves the open tickets: how many would
// change standing, and to which. A ticket whose standing stays is counted in Open only.
type Shift struct {
	Open     int `json:"open"`     // open tickets compared
	Changed  int `json:"changed"`  // of them, how many change standing
	Breached int `json:"breached"` // become breached
	AtRisk   int `json:"atRisk"`   // become at risk (from within, or from breached)
	Within   int `json:"within"`   // come back within their targets
}

// Add counts one open ticket, evaluated under the old settings (before) and the new (after).
func (s *Shift) Add(before, after Result) {
	s.Open++
	from, to := StandingOf(before), StandingOf(after)
	if from == to {
		return
	}
	s.Changed++
	switch to {
	case Overdue:
		s.Breached++
	case AtRisk:
		s.AtRisk++
	case Within:
		s.Within++
	}
}
