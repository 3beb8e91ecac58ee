// Package schedule answers when a technician is at work: weekly working hours in
// an IANA time zone, overnight shifts, and time off. It is pure: no storage, no clock.
package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"outpost/backend/core/field"
)

// Limits on a schedule.
const (
	MaxShifts  = 21 // three shifts a day
	MaxTimeOff = 40
	MaxNote    = 100
)

// Hours are the weekly working hours, read as wall-clock times in Zone.
type Hours struct {
	Zone   string  `json:"zone"` // IANA name, e.g. "Europe/Berlin"
	Shifts []Shift `json:"shifts"`
}

// Shift is one working period that starts on Day. An End at or before Start ends on
// the next day (an overnight shift, "22:00"-"06:00"); "24:00" ends at midnight.
type Shift struct {
	Day   time.Weekday `json:"day"` // 0 Sunday .. 6 Saturday
	Start string       `json:"start"`
	End   string       `json:"end"`
}

// TimeOff is an absence in the technician's zone. From and To are dates
// ("2026-12-24", whole days, To inclusive) or wall-clock times ("2026-12-24T13:00").
type TimeOff struct {
	From string `json:"from"`
	To   string `json:"to"`
	Note string `json:"note"`
}

// Schedule is everything that says whether a person is at work.
type Schedule struct {
	Hours   Hours     `json:"hours"`
	TimeOff []TimeOff `json:"timeOff"`

	zone *time.Location // Hours.Zone loaded once by Resolved
}

// Resolved returns s with its time zone loaded, so that repeated questions do not
// read the zone database again (loading a zone reads a file).
func (s Schedule) Resolved() Schedule {
	if s.zone == nil {
		s.zone = s.Location()
	}
	return s
}

// WithLocation returns s using loc, already loaded for s.Hours.Zone (several
// schedules in one zone can share one load).
func (s Schedule) WithLocation(loc *time.Location) Schedule {
	s.zone = loc
	return s
}

// Location returns the schedule's zone; UTC when it is empty or unknown.
func (s Schedule) Location() *time.Location {
	if s.zone != nil {
		return s.zone
	}
	loc, err := s.Hours.Location()
	if err != nil {
		return time.UTC
	}
	return loc
}

// Interval is a span of time [Start, End).
type Interval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Overlaps reports whether the intervals share any instant.
func (i Interval) Overlaps(o Interval) bool { return i.Start.Before(o.End) && o.Start.Before(i.End) }

// Contains reports whether t falls in [Start, End).
func (i Interval) Contains(t time.Time) bool { return !t.Before(i.Start) && t.Before(i.End) }

// WeekdayHours returns a Monday-to-Friday week of start-end shifts in zone.
func WeekdayHours(zone, start, end string) Hours {
	h := Hours{Zone: zone}
	for d := time.Monday; d <= time.Friday; d++ {
		h.Shifts = append(h.Shifts, Shift{Day: d, Start: start, End: end})
	}
	return h
}

// Location loads the zone; an empty zone is UTC.
func (h Hours) Location() (*time.Location, error) {
	if h.Zone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(h.Zone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", h.Zone, err)
	}
	return loc, nil
}

func (s Schedule) loc() *time.Location { return s.Location() }

// clock parses "HH:MM" into minutes after midnight; "24:00" is allowed when end is true.
func clock(s string, end bool) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || mm < 0 || mm > 59 || hh < 0 {
		return 0, false
	}
	if hh == 24 && mm == 0 && end {
		return 24 * 60, true
	}
	if hh > 23 {
		return 0, false
	}
	return hh*60 + mm, true
}

// at returns the wall-clock time minutes after midnight of the date y-m-d in loc.
// time.Date settles times that a DST change skips or repeats.
func at(y int, m time.Month, d, minutes int, loc *time.Location) time.Time {
	return time.Date(y, m, d, minutes/60, minutes%60, 0, 0, loc)
}

// shiftOn returns the interval of sh when it starts on the date y-m-d (whose weekday is sh.Day).
func shiftOn(sh Shift, y int, m time.Month, d int, loc *time.Location) (Interval, bool) {
	s, ok1 := clock(sh.Start, false)
	e, ok2 := clock(sh.End, true)
	if !ok1 || !ok2 || s == e {
		return Interval{}, false
	}
	start := at(y, m, d, s, loc)
	if e <= s {
		return Interval{Start: start, End: at(y, m, d+1, e, loc)}, true
	}
	return Interval{Start: start, End: at(y, m, d, e, loc)}, true
}

// shiftsFrom lists the shifts starting on the local dates from day-1 to day+days, in start order.
func (s Schedule) shiftsFrom(t time.Time, days int) []Interval {
	loc := s.loc()
	lt := t.In(loc)
	y, m, d := lt.Date()
	var out []Interval
	for i := -1; i <= days; i++ {
		date := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		for _, sh := range s.Hours.Shifts {
			if sh.Day != date.Weekday() {
				continue
			}
			if iv, ok := shiftOn(sh, date.Year(), date.Month(), date.Day(), loc); ok {
				out = append(out, iv)
			}
		}
	}
	slices.SortFunc(out, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	return out
}

// ShiftAt returns the working period that contains t, joined with shifts that
// continue it without a gap (Monday 22:00-24:00 then Tuesday 00:00-06:00 is one).
// Time off is not considered here.
func (s Schedule) ShiftAt(t time.Time) (Interval, bool) {
	shifts := s.shiftsFrom(t, 2)
	for i, iv := range shifts {
		if !iv.Contains(t) {
			continue
		}
		for _, next := range shifts[i+1:] {
			if next.Start.After(iv.End) {
				break
			}
			if next.End.After(iv.End) {
				iv.End = next.End
			}
		}
		return iv, true
	}
	return Interval{}, false
}

// Interval returns the span of the time off in loc; To as a date includes that whole day.
func (o TimeOff) Interval(loc *time.Location) (Interval, error) {
	from, _, err := parseWhen(o.From, loc)
	if err != nil {
		return Interval{}, err
	}
	to, dateOnly, err := parseWhen(o.To, loc)
	if err != nil {
		return Interval{}, err
	}
	if dateOnly {
		y, m, d := to.Date()
		to = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	return Interval{Start: from, End: to}, nil
}

func parseWhen(s string, loc *time.Location) (time.Time, bool, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, true, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil && s == "" {
		return time.Time{}, false, errors.New("is required (a date such as 2026-12-24)")
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("must be a date such as 2026-12-24 or a time such as 2026-12-24T13:00, not %q", s)
	}
	return t, false, nil
}

// OffDuring returns the first time off that overlaps iv.
func (s Schedule) OffDuring(iv Interval) (TimeOff, Interval, bool) {
	loc := s.loc()
	for _, o := range s.TimeOff {
		oi, err := o.Interval(loc)
		if err == nil && oi.Overlaps(iv) {
			return o, oi, true
		}
	}
	return TimeOff{}, Interval{}, false
}

// OffAt returns the time off that covers t.
func (s Schedule) OffAt(t time.Time) (TimeOff, Interval, bool) {
	return s.OffDuring(Interval{Start: t, End: t.Add(time.Nanosecond)})
}

// OnShift reports whether the person is working at t: inside a shift and not on time off.
func (s Schedule) OnShift(t time.Time) bool {
	if _, ok := s.ShiftAt(t); !ok {
		return false
	}
	_, _, off := s.OffAt(t)
	return !off
}

// Covers reports whether the whole of iv lies inside one working period with no time off.
func (s Schedule) Covers(iv Interval) bool {
	sh, ok := s.ShiftAt(iv.Start)
	if !ok || iv.End.After(sh.End) {
		return false
	}
	_, _, off := s.OffDuring(iv)
	return !off
}

// NextShift returns the next working period starting after t that is not on time off,
// looking up to eight weeks ahead.
func (s Schedule) NextShift(t time.Time) (Interval, bool) {
	for _, iv := range s.shiftsFrom(t, 56) {
		if !iv.Start.After(t) {
			continue
		}
		if _, _, off := s.OffAt(iv.Start); !off {
			return iv, true
		}
	}
	return Interval{}, false
}

// ShiftsOn lists the working periods that start on the local date of day.
func (s Schedule) ShiftsOn(day time.Time) []Interval {
	loc := s.loc()
	y, m, d := day.In(loc).Date()
	var out []Interval
	for _, iv := range s.shiftsFrom(day, 0) {
		if yy, mm, dd := iv.Start.Date(); yy == y && mm == m && dd == d {
			out = append(out, iv)
		}
	}
	return out
}

// Validate checks hours and time off, naming the field at fault as the
// technician form labels it ("Time zone", "Monday start", "Time off 1, until").
func (s Schedule) Validate() error {
	if err := field.Text("hours.zone", s.Hours.Zone, 64, false, false); err != nil {
		return field.Relabel(err, "Time zone")
	}
	loc, err := s.Hours.Location()
	if err != nil {
		return field.Relabel(field.Errorf("hours.zone", "is not a known time zone (use a name such as Europe/Berlin)"), "Time zone")
	}
	if len(s.Hours.Shifts) > MaxShifts {
		return field.Relabel(field.Errorf("hours.shifts", "has %d shifts; the limit is %d", len(s.Hours.Shifts), MaxShifts), "Working hours")
	}
	for i, sh := range s.Hours.Shifts {
		if err := sh.validate(fmt.Sprintf("hours.shifts[%d]", i)); err != nil {
			return err
		}
	}
	if len(s.TimeOff) > MaxTimeOff {
		return field.Errorf("timeOff", "has %d entries; the limit is %d", len(s.TimeOff), MaxTimeOff)
	}
	for i, o := range s.TimeOff {
		if err := o.validate(i, loc); err != nil {
			return err
		}
	}
	return nil
}

// validate checks one shift at path name; the form shows it in its weekday's row.
func (sh Shift) validate(name string) error {
	if sh.Day < time.Sunday || sh.Day > time.Saturday {
		return field.Relabel(field.Errorf(name+".day", "must be Sunday to Saturday"), "Working hours, day")
	}
	day := sh.Day.String()
	st, ok := clock(sh.Start, false)
	if !ok {
		return field.Relabel(field.Errorf(name+".start", "must be a time such as 09:00"), day+" start")
	}
	en, ok := clock(sh.End, true)
	if !ok {
		return field.Relabel(field.Errorf(name+".end", "must be a time such as 17:00 (24:00 for midnight)"), day+" end")
	}
	if st == en {
		return field.Relabel(field.Errorf(name+".end", "must differ from the start"), day+" end")
	}
	return nil
}

// TimeOffLabel is how the technician form names a part of the i-th time off
// (from 0): "Time off 1, from", "Time off 1, until", "Time off 1, note".
func TimeOffLabel(i int, part string) string { return fmt.Sprintf("Time off %d, %s", i+1, part) }

// validate checks the i-th time off (from 0) in loc.
func (o TimeOff) validate(i int, loc *time.Location) error {
	name := fmt.Sprintf("timeOff[%d]", i)
	if err := field.Text(name+".note", o.Note, MaxNote, false, false); err != nil {
		return field.Relabel(err, TimeOffLabel(i, "note"))
	}
	if _, _, err := parseWhen(o.From, loc); err != nil {
		return field.Relabel(field.Errorf(name+".from", "%v", err), TimeOffLabel(i, "from"))
	}
	if _, _, err := parseWhen(o.To, loc); err != nil {
		return field.Relabel(field.Errorf(name+".to", "%v", err), TimeOffLabel(i, "until"))
	}
	if iv, _ := o.Interval(loc); !iv.End.After(iv.Start) {
		return field.Relabel(field.Errorf(name+".to", "must be after the start of the time off"), TimeOffLabel(i, "until"))
	}
	return nil
}
