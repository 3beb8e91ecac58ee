package sla

import (
	"testing"
	"time"
)

// The due time is the instant the remaining business time runs out. While the clock passes closed
// hours (nights, weekends, holidays, a DST change) it stays put, whichever zone the device is in.
func TestDueStaysPutThroughClosedHours(t *testing.T) {
	ber := mustZone(t, "Europe/Berlin")
	s := DefaultSettings()
	s.Calendar.Zone = "Europe/Berlin"
	s.Calendar.Holidays = []string{"2026-12-07"} // a Monday
	e, err := NewEngine(s)
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ber) }
	tests := []struct {
		name     string
		created  time.Time
		from, to time.Time // the instants "now" walks through, every 7 minutes
		want     time.Time
	}{
		// P2: 8 business hours. Opened on a Saturday: all of Monday, due at Monday's close.
		{"weekend before it starts", at(2026, 11, 28, 10, 0), at(2026, 11, 28, 10, 0), at(2026, 11, 30, 9, 0), at(2026, 11, 30, 17, 0)},
		// The whole target used up exactly at a close: due at that close all night long, not "now".
		{"used up at the close", at(2026, 11, 28, 10, 0), at(2026, 11, 30, 17, 0), at(2026, 12, 1, 9, 0), at(2026, 11, 30, 17, 0)},
		// Friday 13:00: 4 h on Friday; Monday 7 December is a holiday; 4 h more on Tuesday.
		{"weekend and a holiday", at(2026, 12, 4, 13, 0), at(2026, 12, 4, 17, 0), at(2026, 12, 8, 9, 0), at(2026, 12, 8, 13, 0)},
		// Summer time ends on Sunday 25 October 2026: due Monday 17:00 CET, an hour later in UTC than a CEST 17:00.
		{"over the DST change", at(2026, 10, 23, 17, 0), at(2026, 10, 23, 17, 0), at(2026, 10, 26, 9, 0), at(2026, 10, 26, 17, 0)},
		{"used up before the DST change", at(2026, 10, 23, 9, 0), at(2026, 10, 23, 17, 0), at(2026, 10, 26, 9, 0), at(2026, 10, 23, 17, 0)},
	}
	for _, device := range []string{"America/Los_Angeles", "Asia/Tokyo", "UTC"} {
		dev := mustZone(t, device)
		for _, tt := range tests {
			t.Run(device+"/"+tt.name, func(t *testing.T) {
				tl := Timeline{Created: tt.created.In(dev), Priority: 2}
				for now := tt.from; !now.After(tt.to); now = now.Add(7 * time.Minute) {
					r := e.Evaluate(tl, now.In(dev))
					if got := r.Resolution.DueAt; !got.Equal(tt.want) {
						t.Fatalf("at %s (%s) due %s (%s); want %s (%s)", now.In(ber), now.In(dev), got.In(ber), got.In(dev), tt.want, tt.want.In(dev))
					}
				}
			})
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
