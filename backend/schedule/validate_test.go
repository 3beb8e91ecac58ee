package schedule

import (
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
)

func TestValidateNamesFieldsAsTheFormDoes(t *testing.T) {
	t.Parallel()
	berlin := Hours{Zone: "Europe/Berlin"}
	cases := []struct {
		name      string
		s         Schedule
		wantField string
		want      string
	}{
		{"unknown zone", Schedule{Hours: Hours{Zone: "Mars/Olympus"}}, "hours.zone",
			"Time zone is not a known time zone (use a name such as Europe/Berlin)"},
		{"shift start", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: time.Tuesday, Start: "9am", End: "17:00"}}}}, "hours.shifts[0].start",
			"Tuesday start must be a time such as 09:00"},
		{"shift of no length", Schedule{Hours: Hours{Zone: "UTC", Shifts: []Shift{{Day: time.Monday, Start: "09:00", End: "17:00"}, {Day: time.Friday, Start: "09:00", End: "09:00"}}}}, "hours.shifts[1].end",
			"Friday end must differ from the start"},
		{"time off ends before it starts", Schedule{Hours: berlin, TimeOff: []TimeOff{{From: "2026-12-24", To: "2026-12-31"}, {From: "2026-12-31", To: "2026-12-24"}}}, "timeOff[1].to",
			"Time off 2, until must be after the start of the time off"},
		{"time off from is not a date", Schedule{Hours: berlin, TimeOff: []TimeOff{{From: "24.12.2026", To: "2026-12-31"}}}, "timeOff[0].from",
			`Time off 1, from must be a date such as 2026-12-24 or a time such as 2026-12-24T13:00, not "24.12.2026"`},
		{"time off without an end", Schedule{Hours: berlin, TimeOff: []TimeOff{{From: "2026-12-24"}}}, "timeOff[0].to",
			"Time off 1, until is required (a date such as 2026-12-24)"},
		{"time off note", Schedule{Hours: berlin, TimeOff: []TimeOff{{From: "2026-12-24", To: "2026-12-24", Note: strings.Repeat("x", MaxNote+1)}}}, "timeOff[0].note",
			"Time off 1, note is 101 characters long; the limit is 100"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			fe, ok := field.As(err)
			if !ok || fe.Field != c.wantField {
				t.Fatalf("Validate = %v, want a field error on %s", err, c.wantField)
			}
			if err.Error() != c.want {
				t.Fatalf("message %q, want %q", err, c.want)
			}
		})
	}
}
