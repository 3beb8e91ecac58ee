package sla

import (
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// officeCalendar is Monday to Friday 09:00-17:00 in zone.
func officeCalendar(zone string, holidays ...string) Calendar {
	c := DefaultCalendar()
	c.Zone = zone
	c.Holidays = holidays
	return c
}

// roundTheClock works every day 00:00-24:00 but is not marked 24x7, so DST days show.
func roundTheClock(zone string) Calendar {
	c := DefaultCalendar()
	c.Zone = zone
	for d := range c.Week {
		c.Week[d] = WorkingHours{Open: "00:00", Close: "24:00"}
	}
	return c
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestClockBetween(t *testing.T) {
	t.Parallel()
	berlin, ny := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	allHours := officeCalendar("Europe/Berlin")
	allHours.AllHours = true
	tests := []struct {
		name     string
		cal      Calendar
		loc      *time.Location
		from, to string
		want     time.Duration
	}{
		{"same day", officeCalendar("Europe/Berlin"), berlin, "2025-03-03 10:00", "2025-03-03 12:30", 150 * time.Minute},
		{"before opening", officeCalendar("Europe/Berlin"), berlin, "2025-03-03 06:00", "2025-03-03 08:00", 0},
		{"over night, after closing to before opening", officeCalendar("Europe/Berlin"), berlin, "2025-03-03 18:00", "2025-03-04 08:00", 0},
		// Mon 16:00-17:00 (1 h) + Tue 09:00-10:00 (1 h).
		{"night", officeCalendar("Europe/Berlin"), berlin, "2025-03-03 16:00", "2025-03-04 10:00", 2 * time.Hour},
		// Fri 15:00-17:00 (2 h) + Mon 09:00-11:00 (2 h).
		{"weekend", officeCalendar("Europe/Berlin"), berlin, "2025-03-07 15:00", "2025-03-10 11:00", 4 * time.Hour},
		// Whole weeks: Mon 09:00 to the next Mon 09:00 is five 8-hour days.
		{"one week", officeCalendar("Europe/Berlin"), berlin, "2025-03-03 09:00", "2025-03-10 09:00", 40 * time.Hour},
		// Wed 24 Dec 15:00-17:00 (2 h), 25 and 26 Dec holidays, weekend, Mon 29 Dec 09:00-10:00 (1 h).
		{"holidays", officeCalendar("Europe/Berlin", "2025-12-25", "2025-12-26"), berlin, "2025-12-24 15:00", "2025-12-29 10:00", 3 * time.Hour},
		// Berlin springs forward on Sun 30 Mar 2025 02:00 -> 03:00: Fri 16-17 (1 h) + Mon 9-10 (1 h), wall hours unchanged.
		{"office hours over the DST weekend, Berlin spring", officeCalendar("Europe/Berlin"), berlin, "2025-03-28 16:00", "2025-03-31 10:00", 2 * time.Hour},
		// Sat 12:00-24:00 (12 h) + Sun 30 Mar, a 23-hour day.
		{"24-hour days, Berlin spring", roundTheClock("Europe/Berlin"), berlin, "2025-03-29 12:00", "2025-03-31 00:00", 35 * time.Hour},
		// Sun 26 Oct 2025 falls back 03:00 -> 02:00: a 25-hour day.
		{"24-hour days, Berlin autumn", roundTheClock("Europe/Berlin"), berlin, "2025-10-26 00:00", "2025-10-27 00:00", 25 * time.Hour},
		// New York springs forward Sun 9 Mar 2025: Sat 18:00 -> Sun 18:00 is 23 hours.
		{"24-hour days, New York spring", roundTheClock("America/New_York"), ny, "2025-03-08 18:00", "2025-03-09 18:00", 23 * time.Hour},
		// New York falls back Sun 2 Nov 2025: Sat 12:00 -> Sun 12:00 is 25 hours.
		{"24-hour days, New York autumn", roundTheClock("America/New_York"), ny, "2025-11-01 12:00", "2025-11-02 12:00", 25 * time.Hour},
		// Fri 16:30-17:00 EST + Mon 09:00-09:30 EDT.
		{"office hours over the DST weekend, New York", officeCalendar("America/New_York"), ny, "2025-03-07 16:30", "2025-03-10 09:30", time.Hour},
		// 24x7 counts real time: Fri 15:00 -> Mon 11:00 is 68 h.
		{"24x7", allHours, berlin, "2025-03-07 15:00", "2025-03-10 11:00", 68 * time.Hour},
		// 24x7 across the spring change: Sat 12:00 -> Sun 12:00 local is 23 real hours.
		{"24x7 over DST", allHours, berlin, "2025-03-29 12:00", "2025-03-30 12:00", 23 * time.Hour},
		{"backwards is zero", officeCalendar("Europe/Berlin"), berlin, "2025-03-04 10:00", "2025-03-03 10:00", 0},
		// Two years of office weeks: 2024-01-01 (Mon) to 2025-12-29 (Mon) is 104 weeks x 40 h.
		{"two years", officeCalendar("Europe/Berlin"), berlin, "2024-01-01 00:00", "2025-12-29 00:00", 104 * 40 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := NewClock(tt.cal)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Between(at(tt.loc, tt.from), at(tt.loc, tt.to)); got != tt.want {
				t.Fatalf("Between(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestClockAdd(t *testing.T) {
	t.Parallel()
	berlin := mustLoc(t, "Europe/Berlin")
	tests := []struct {
		name string
		cal  Calendar
		from string
		d    time.Duration
		want string
	}{
		{"within the day", officeCalendar("Europe/Berlin"), "2025-03-03 10:00", 2 * time.Hour, "2025-03-03 12:00"},
		{"to closing exactly", officeCalendar("Europe/Berlin"), "2025-03-03 09:00", 8 * time.Hour, "2025-03-03 17:00"},
		// Fri 16:00-17:00 uses 1 h; Mon 09:00 + 2 h.
		{"over the weekend", officeCalendar("Europe/Berlin"), "2025-03-07 16:00", 3 * time.Hour, "2025-03-10 11:00"},
		{"from a Saturday", officeCalendar("Europe/Berlin"), "2025-03-08 10:00", time.Hour, "2025-03-10 10:00"},
		// Wed 24 Dec 16:00-17:00 uses 1 h; 25, 26 Dec holidays; Mon 29 Dec 09:00 + 1 h.
		{"over holidays", officeCalendar("Europe/Berlin", "2025-12-25", "2025-12-26"), "2025-12-24 16:00", 2 * time.Hour, "2025-12-29 10:00"},
		// 23:00 CET + 4 real hours: 00:00, 01:00, 02:00 CET = 03:00 CEST, 04:00 CEST.
		{"across the spring gap", roundTheClock("Europe/Berlin"), "2025-03-29 23:00", 4 * time.Hour, "2025-03-30 04:00"},
		{"zero", officeCalendar("Europe/Berlin"), "2025-03-08 10:00", 0, "2025-03-08 10:00"},
		// Ten business days of 8 h from Mon 09:00: two weeks later, Fri 17:00.
		{"ten business days", officeCalendar("Europe/Berlin"), "2025-03-03 09:00", 80 * time.Hour, "2025-03-14 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := NewClock(tt.cal)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Add(at(berlin, tt.from), tt.d); !got.Equal(at(berlin, tt.want)) {
				t.Fatalf("Add(%s, %v) = %v, want %s", tt.from, tt.d, got.In(berlin), tt.want)
			}
		})
	}
}

func TestCalendarValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		edit      func(*Calendar)
		wantField string
	}{
		{"no zone", func(c *Calendar) { c.Zone = "" }, "calendar.zone"},
		{"unknown zone", func(c *Calendar) { c.Zone = "Mars/Olympus" }, "calendar.zone"},
		{"closing before opening", func(c *Calendar) { c.Week[time.Monday] = WorkingHours{"17:00", "09:00"} }, "calendar.week.monday"},
		{"bad time", func(c *Calendar) { c.Week[time.Tuesday] = WorkingHours{"9am", "17:00"} }, "calendar.week.tuesday"},
		{"hour 25", func(c *Calendar) { c.Week[time.Tuesday] = WorkingHours{"09:00", "25:00"} }, "calendar.week.tuesday"},
		{"no working day", func(c *Calendar) { c.Week = [7]WorkingHours{} }, "calendar.week"},
		{"bad holiday", func(c *Calendar) { c.Holidays = []string{"25.12.2025"} }, "calendar.holidays"},
		{"day too short", func(c *Calendar) { c.DayMinutes = 0 }, "calendar.dayMinutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := DefaultCalendar()
			tt.edit(&c)
			assertField(t, c.Validate(), tt.wantField)
		})
	}
	if err := DefaultCalendar().Validate(); err != nil {
		t.Fatalf("default calendar: %v", err)
	}
	allDays := DefaultCalendar()
	allDays.Week, allDays.AllHours = [7]WorkingHours{}, true
	if err := allDays.Validate(); err != nil {
		t.Fatalf("24x7 calendar without working hours: %v", err)
	}
}
