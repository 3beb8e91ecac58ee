package schedule

import (
	"testing"
	"time"

	"outpost/backend/core/field"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOnShift(t *testing.T) {
	t.Parallel()
	berlin := Schedule{Hours: WeekdayHours("Europe/Berlin", "09:00", "17:00")}
	berlinOff := berlin
	berlinOff.TimeOff = []TimeOff{{From: "2026-11-25", To: "2026-11-26", Note: "holiday"}, {From: "2026-11-27T13:00", To: "2026-11-27T15:00"}}
	sundayNight := Schedule{Hours: Hours{Zone: "Europe/Berlin", Shifts: []Shift{{Day: time.Sunday, Start: "01:00", End: "05:00"}}}}
	nightNY := Schedule{Hours: Hours{Zone: "America/New_York", Shifts: []Shift{{Day: time.Saturday, Start: "22:00", End: "06:00"}}}}
	split := Schedule{Hours: Hours{Zone: "Asia/Tokyo", Shifts: []Shift{
		{Day: time.Monday, Start: "22:00", End: "24:00"}, {Day: time.Tuesday, Start: "00:00", End: "02:00"}}}}
	none := Schedule{Hours: Hours{Zone: "UTC"}}

	tests := []struct {
		name string
		s    Schedule
		at   string
		want bool
	}{
		// 2026-11-23 is a Monday; Berlin is UTC+1 in November.
		{"monday 09:00 local is 08:00 UTC", berlin, "2026-11-23T08:00:00Z", true},
		{"monday 08:59 local", berlin, "2026-11-23T07:59:00Z", false},
		{"end is exclusive", berlin, "2026-11-23T16:00:00Z", false},
		{"one minute before the end", berlin, "2026-11-23T15:59:00Z", true},
		{"saturday", berlin, "2026-11-28T10:00:00Z", false},
		{"noon in New York is 18:00 in Berlin", berlin, "2026-11-23T12:00:00-05:00", false},
		{"05:00 in New York is 11:00 in Berlin", berlin, "2026-11-23T05:00:00-05:00", true},
		{"summer time: 09:00 CEST is 07:00 UTC", berlin, "2026-07-06T07:00:00Z", true},
		{"summer time: 08:30 UTC is 10:30 CEST", berlin, "2026-07-06T06:59:00Z", false},
		{"whole-day time off, first day", berlinOff, "2026-11-25T10:00:00Z", false},
		{"whole-day time off includes the last day", berlinOff, "2026-11-26T15:00:00Z", false},
		{"the day after time off", berlinOff, "2026-11-24T10:00:00Z", true},
		{"afternoon time off, inside", berlinOff, "2026-11-27T12:30:00Z", false},
		{"afternoon time off, after it", berlinOff, "2026-11-27T14:00:00Z", true},
		// 2026-03-29: Berlin skips 02:00-03:00; 01:00 CET is 00:00Z and 05:00 CEST is 03:00Z.
		{"DST spring day: start", sundayNight, "2026-03-29T00:00:00Z", true},
		{"DST spring day: 04:30 CEST", sundayNight, "2026-03-29T02:30:00Z", true},
		{"DST spring day: shift is three real hours", sundayNight, "2026-03-29T03:00:00Z", false},
		// 2026-10-25: Berlin repeats 02:00-03:00; 01:00 CEST is 23:00Z the day before, 05:00 CET is 04:00Z.
		{"DST autumn day: before start", sundayNight, "2026-10-24T22:59:00Z", false},
		{"DST autumn day: five real hours", sundayNight, "2026-10-25T03:59:00Z", true},
		{"DST autumn day: end", sundayNight, "2026-10-25T04:00:00Z", false},
		// Overnight Saturday 22:00 EDT -> Sunday 06:00 EST across the 2026-11-01 fall-back: 02:00Z to 11:00Z.
		{"overnight: saturday evening", nightNY, "2026-11-01T02:00:00Z", true},
		{"overnight: sunday morning, after fall-back", nightNY, "2026-11-01T10:59:00Z", true},
		{"overnight: ends 06:00 EST", nightNY, "2026-11-01T11:00:00Z", false},
		{"overnight: saturday afternoon", nightNY, "2026-10-31T18:00:00Z", false},
		{"split at midnight: before", split, "2026-11-23T13:30:00Z", true}, // 22:30 Tokyo Monday
		{"split at midnight: after", split, "2026-11-23T16:30:00Z", true},  // 01:30 Tokyo Tuesday
		{"no shifts", none, "2026-11-23T10:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.OnShift(utc(tt.at)); got != tt.want {
				t.Fatalf("OnShift(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestShiftAtJoinsContinuingShifts(t *testing.T) {
	t.Parallel()
	s := Schedule{Hours: Hours{Zone: "Asia/Tokyo", Shifts: []Shift{
		{Day: time.Monday, Start: "22:00", End: "24:00"}, {Day: time.Tuesday, Start: "00:00", End: "02:00"}}}}
	iv, ok := s.ShiftAt(utc("2026-11-23T13:30:00Z"))
	if !ok || !iv.Start.Equal(utc("2026-11-23T13:00:00Z")) || !iv.End.Equal(utc("2026-11-23T17:00:00Z")) {
		t.Fatalf("ShiftAt = %v %v", iv, ok)
	}
}

func TestCoversAndNextShift(t *testing.T) {
	t.Parallel()
	s := Schedule{Hours: WeekdayHours("Europe/Berlin", "09:00", "17:00"),
		TimeOff: []TimeOff{{From: "2026-11-24", To: "2026-11-24"}}}
	tests := []struct {
		name       string
		start, end string
		want       bool
	}{
		{"inside", "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z", true},
		{"whole shift", "2026-11-23T08:00:00Z", "2026-11-23T16:00:00Z", true},
		{"runs past the end", "2026-11-23T15:00:00Z", "2026-11-23T16:30:00Z", false},
		{"starts before", "2026-11-23T07:30:00Z", "2026-11-23T09:00:00Z", false},
		{"on time off", "2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z", false},
		{"weekend", "2026-11-28T09:00:00Z", "2026-11-28T10:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Covers(Interval{Start: utc(tt.start), End: utc(tt.end)}); got != tt.want {
				t.Fatalf("Covers = %v, want %v", got, tt.want)
			}
		})
	}
	// Monday evening: Tuesday is time off, so the next shift is Wednesday 09:00 Berlin.
	next, ok := s.NextShift(utc("2026-11-23T18:00:00Z"))
	if !ok || !next.Start.Equal(utc("2026-11-25T08:00:00Z")) {
		t.Fatalf("NextShift = %v %v", next, ok)
	}
	if got := s.ShiftsOn(utc("2026-11-23T12:00:00Z")); len(got) != 1 || !got[0].End.Equal(utc("2026-11-23T16:00:00Z")) {
		t.Fatalf("ShiftsOn = %v", got)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := WeekdayHours("Europe/Berlin", "09:00", "17:00")
	tests := []struct {
		name      string
		s         Schedule
		wantField string
	}{
		{"valid", Schedule{Hours: ok, TimeOff: []TimeOff{{From: "2026-12-24", To: "2026-12-31", Note: "holidays"}}}, ""},
		{"overnight is valid", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: 5, Start: "22:00", End: "06:00"}}}}, ""},
		{"unknown zone", Schedule{Hours: Hours{Zone: "Mars/Olympus"}}, "hours.zone"},
		{"bad start", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: 1, Start: "9am", End: "17:00"}}}}, "hours.shifts[0].start"},
		{"bad end", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: 1, Start: "09:00", End: "25:00"}}}}, "hours.shifts[0].end"},
		{"empty shift", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: 1, Start: "09:00", End: "09:00"}}}}, "hours.shifts[0].end"},
		{"bad day", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: 7, Start: "09:00", End: "10:00"}}}}, "hours.shifts[0].day"},
		{"bad time off date", Schedule{Hours: ok, TimeOff: []TimeOff{{From: "24/12/2026", To: "2026-12-31"}}}, "timeOff[0].from"},
		{"time off ends before it starts", Schedule{Hours: ok, TimeOff: []TimeOff{{From: "2026-12-24T15:00", To: "2026-12-24T13:00"}}}, "timeOff[0].to"},
		{"too many shifts", Schedule{Hours: Hours{Zone: "UTC", Shifts: make([]Shift, MaxShifts+1)}}, "hours.shifts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			fe, ok := field.As(err)
			if !ok || fe.Field != tt.wantField {
				t.Fatalf("Validate = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
}
