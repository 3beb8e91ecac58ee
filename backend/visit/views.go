package visit

import (
	"time"

	"outpost/backend/core/field"
	"outpost/backend/schedule"
	"outpost/backend/technician"
)

// team is the technicians by ID, read once per view.
type team map[string]technician.Technician

func (s *Service) team() (team, error) {
	list, err := s.techs.List(true)
	if err != nil {
		return nil, err
	}
	t := team{}
	for _, x := range list {
		t[x.ID] = x
	}
	return t, nil
}

// decorate fills what a visit shows but does not store: technician name and flags.
func (s *Service) decorate(v Visit, all []Visit) Visit {
	tm, err := s.team()
	if err != nil {
		tm = team{}
	}
	return s.decorateWith(v, all, tm)
}

func (s *Service) decorateWith(v Visit, all []Visit, tm team) Visit {
	var sched *schedule.Schedule
	if t, ok := tm[v.Technician]; ok {
		v.TechName = t.Name
		sc := t.Schedule()
		sched = &sc
	}
	v.Flags = Flags(v, all, sched)
	return v
}

// DayView is one technician's day: their shifts and their visits.
type DayView struct {
	TechnicianID string              `json:"technicianId"`
	Name         string              `json:"name"`
	Date         string              `json:"date"`
	Zone         string              `json:"zone"`
	Shifts       []schedule.Interval `json:"shifts"`
	Visits       []Visit             `json:"visits"`
}

// Day returns the visits of a technician that touch the date (read in their zone), earliest first.
func (s *Service) Day(techID, date string) (DayView, error) {
	tm, err := s.team()
	if err != nil {
		return DayView{}, err
	}
	tech, ok := tm[techID]
	if !ok {
		return DayView{}, field.Errorf("technician", "no technician %q", techID)
	}
	loc, err := tech.Hours.Location()
	if err != nil {
		loc = time.UTC
	}
	d, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return DayView{}, field.Errorf("date", "must be a date such as 2026-11-24")
	}
	day := schedule.Interval{Start: d, End: d.AddDate(0, 0, 1)}
	all, err := s.all()
	if err != nil {
		return DayView{}, err
	}
	view := DayView{TechnicianID: techID, Name: tech.Name, Date: date, Zone: loc.String(),
		Shifts: tech.Schedule().ShiftsOn(d.Add(12 * time.Hour)), Visits: []Visit{}}
	if view.Shifts == nil {
		view.Shifts = []schedule.Interval{}
	}
	for _, v := range all {
		if v.Technician == techID && v.Window().Interval().Overlaps(day) {
			view.Visits = append(view.Visits, s.decorateWith(v, all, tm))
		}
	}
	return view, nil
}

// WeekRow is one technician's week, a list of visits per day.
type WeekRow struct {
	TechnicianID string    `json:"technicianId"`
	Name         string    `json:"name"`
	Zone         string    `json:"zone"`
	OnSite       bool      `json:"onSite"`
	Days         [][]Visit `json:"days"` // 7 days from the week's start
}

// WeekView is the team's week.
type WeekView struct {
	Start string    `json:"start"`
	Days  []string  `json:"days"`
	Rows  []WeekRow `json:"rows"`
}

// Week returns every active field technician's (and anyone with a visit that week)
// visits for the seven days from start, each day read in the technician's zone.
func (s *Service) Week(start string) (WeekView, error) {
	d, err := time.Parse("2006-01-02", start)
	if err != nil {
		return WeekView{}, field.Errorf("weekStart", "must be a date such as 2026-11-23")
	}
	tm, err := s.team()
	if err != nil {
		return WeekView{}, err
	}
	every, err := s.all()
	if err != nil {
		return WeekView{}, err
	}
	// Only visits near the week can show in it or clash with one that does.
	near := schedule.Interval{Start: d.AddDate(0, 0, -2), End: d.AddDate(0, 0, 9)}
	var all []Visit
	for _, v := range every {
		if v.Window().Interval().Overlaps(near) {
			all = append(all, v)
		}
	}
	view := WeekView{Start: start, Rows: []WeekRow{}}
	for i := range 7 {
		view.Days = append(view.Days, d.AddDate(0, 0, i).Format("2006-01-02"))
	}
	techs, err := s.techs.List(true)
	if err != nil {
		return WeekView{}, err
	}
	for _, t := range techs {
		loc, err := t.Hours.Location()
		if err != nil {
			loc = time.UTC
		}
		y, m, dd := d.Date()
		row := WeekRow{TechnicianID: t.ID, Name: t.Name, Zone: loc.String(), OnSite: t.OnSite, Days: make([][]Visit, 7)}
		n := 0
		for i := range 7 {
			day := schedule.Interval{Start: time.Date(y, m, dd+i, 0, 0, 0, 0, loc), End: time.Date(y, m, dd+i+1, 0, 0, 0, 0, loc)}
			row.Days[i] = []Visit{}
			for _, v := range all {
				if v.Technician == t.ID && v.Window().Interval().Overlaps(day) {
					row.Days[i] = append(row.Days[i], s.decorateWith(v, all, tm))
					n++
				}
			}
		}
		if n > 0 || t.Active && t.OnSite {
			view.Rows = append(view.Rows, row)
		}
	}
	return view, nil
}
