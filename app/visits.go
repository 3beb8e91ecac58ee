package app

import (
	"strings"

	"outpost/backend/visit"
)

// VisitService is on-site visits, as bound to the UI. Every view is read from the
// local replica, so a technician's day works without a network.
type VisitService struct{ a *App }

// Me returns the technician ID of the person using this device: the profile linked
// to their identity, else the active technician with their name, else "".
func (s *VisitService) Me() (string, error) {
	if s.a.people != nil {
		if me, err := s.a.people.Me(); err == nil && me.TechnicianID != "" {
			return me.TechnicianID, nil
		}
	}
	techs, err := s.a.techs.List(false)
	if err != nil {
		return "", s.a.userError("who am I", err)
	}
	name := s.a.me()
	for _, t := range techs {
		if strings.EqualFold(t.Name, name) {
			return t.ID, nil
		}
	}
	return "", nil
}

// Day returns a technician's visits on a date ("2026-11-24", in their time zone).
func (s *VisitService) Day(techID, date string) (visit.DayView, error) {
	d, err := s.a.visits.Day(techID, date)
	return d, s.a.userError("day view", err)
}

// Week returns the team's visits for seven days from weekStart ("2026-11-23").
func (s *VisitService) Week(weekStart string) (visit.WeekView, error) {
	w, err := s.a.visits.Week(weekStart)
	return w, s.a.userError("week view", err)
}

// Get returns one visit with its flags.
func (s *VisitService) Get(id string) (visit.Visit, error) {
	v, err := s.a.visits.Get(id)
	return v, s.a.userError("get visit", err)
}

// ForTicket lists a ticket's visits.
func (s *VisitService) ForTicket(ticketID string) ([]visit.Visit, error) {
	v, err := s.a.visits.ForTicket(ticketID)
	return v, s.a.userError("ticket visits", err)
}

// Create schedules a visit for a ticket.
func (s *VisitService) Create(in visit.NewVisit) (visit.Visit, error) {
	v, err := s.a.visits.Create(s.a.ctx, s.a.me(), in)
	return v, s.a.userError("create visit", err)
}

// Update changes a visit.
func (s *VisitService) Update(id string, p visit.Patch) (visit.Visit, error) {
	v, err := s.a.visits.Update(s.a.ctx, s.a.me(), id, p)
	return v, s.a.userError("update visit", err)
}

// CheckItem ticks or unticks a checklist item.
func (s *VisitService) CheckItem(id, item string, done bool) (visit.Visit, error) {
	v, err := s.a.visits.CheckItem(s.a.ctx, s.a.me(), id, item, done)
	return v, s.a.userError("tick checklist item", err)
}

// Outcome records what happened on site; complete marks the visit done.
func (s *VisitService) Outcome(id, notes string, complete bool) (visit.Visit, error) {
	v, err := s.a.visits.Outcome(s.a.ctx, s.a.me(), id, notes, complete)
	return v, s.a.userError("record outcome", err)
}

// Movable lists the visits of a ticket that technician from holds and that are still to
// come: what a reassignment offers to move along with the ticket.
func (s *VisitService) Movable(ticketID, from string) ([]visit.Visit, error) {
	v, err := s.a.visits.Movable(ticketID, from)
	return v, s.a.userError("visits to move", err)
}

// MoveToTechnician moves those visits to technician to, in one transaction.
func (s *VisitService) MoveToTechnician(ticketID, from, to string) ([]visit.Visit, error) {
	v, err := s.a.visits.MoveToTechnician(s.a.ctx, s.a.me(), ticketID, from, to)
	return v, s.a.userError("move visits", err)
}

// TimeOffCollisions lists a technician's visits to come that fall in their time off.
func (s *VisitService) TimeOffCollisions(techID string) ([]visit.Visit, error) {
	v, err := s.a.visits.TimeOffCollisions(techID)
	return v, s.a.userError("visits in time off", err)
}

// ICS returns a technician's visits as an iCalendar (.ics) file.
func (s *VisitService) ICS(techID string) (string, error) {
	text, err := s.a.visits.ICS(techID)
	return text, s.a.userError("export calendar", err)
}
