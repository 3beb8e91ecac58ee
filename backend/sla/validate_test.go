package sla

import (
	"testing"

	"outpost/backend/core/field"
)

func TestSettingsErrorsNameFieldsAsTheFormDoes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		edit      func(*Settings)
		wantField string
		want      string
	}{
		{"no time zone", func(s *Settings) { s.Calendar.Zone = "" }, "calendar.zone",
			"Time zone is required (for example Europe/Berlin or UTC)"},
		{"business day in the form's hours", func(s *Settings) { s.Calendar.DayMinutes = 30 }, "calendar.dayMinutes",
			"A business day must be from 1 to 24 hours"},
		{"day closes before it opens", func(s *Settings) { s.Calendar.Week[3] = WorkingHours{Open: "17:00", Close: "09:00"} }, "calendar.week.wednesday",
			"Wednesday must close after it opens (it opens at 17:00 and closes at 09:00)"},
		{"holiday", func(s *Settings) { s.Calendar.Holidays = []string{"25.12.2026"} }, "calendar.holidays",
			`Holidays must be dates such as 2025-12-25, not "25.12.2026"`},
		{"warnings out of order", func(s *Settings) { s.Policy.WarnAt = [2]int{90, 75} }, "policy.warnAt",
			"Warn at must be two percentages from 1 to 99, the first below the second"},
		{"target of no time", func(s *Settings) { s.Policy.Targets[1].Resolution = Span{0, Hours} }, "policy.P2.resolution",
			"P2 resolution must be at least 1 hour and at most a year"},
		{"response after resolution", func(s *Settings) { s.Policy.Targets[0].Response = Span{9, Hours} }, "policy.P1.response",
			"P1 response cannot be due after the resolution (response 9 h, resolution 4 h)"},
		{"negative response", func(s *Settings) { s.Policy.Targets[2].Response = Span{-5, Minutes} }, "policy.P3.response",
			"P3 response must be at least 1 minute and at most a year"},
		{"zero business days", func(s *Settings) { s.Policy.Targets[4].Resolution = Span{0, BusinessDays} }, "policy.P5.resolution",
			"P5 resolution must be at least 1 day and at most a year"},
		{"response a business day longer than the resolution's hours", func(s *Settings) {
			s.Policy.Targets[3].Resolution = Span{6, Hours} // P4 response is 1 business day of 8 hours
		}, "policy.P4.response", "P4 response cannot be due after the resolution (response 1 business day, resolution 6 h)"},
		{"a 24x7 priority's business day is 24 hours", func(s *Settings) {
			s.Policy.Targets[3].AllHours = true
			s.Policy.Targets[3].Resolution = Span{10, Hours} // 1 day of 24 h > 10 h, though 8 h < 10 h
		}, "policy.P4.response", "P4 response cannot be due after the resolution (response 1 business day, resolution 10 h)"},
		{"a 24x7 team's business day is 24 hours", func(s *Settings) {
			s.Calendar.AllHours = true
			s.Policy.Targets[4].Resolution = Span{36, Hours} // P5 response is 2 business days: 48 h on a 24x7 clock
		}, "policy.P5.response", "P5 response cannot be due after the resolution (response 2 business days, resolution 36 h)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultSettings()
			c.edit(&s)
			err := s.Validate()
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
