package app

import (
	"testing"
	"time"
)

func TestWeekOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 5, 15, 0, 0, 0, time.Local) // a Thursday
	for _, tt := range []struct{ day, want string }{{"", "2026-03-02"}, {"2026-03-08", "2026-03-02"}, {"2026-03-09", "2026-03-09"}, {"2026-03-01", "2026-02-23"}} {
		got, err := weekOf(tt.day, now)
		if err != nil || got.Format("2006-01-02") != tt.want {
			t.Errorf("weekOf(%q) = %v, %v; want %s", tt.day, got, err, tt.want)
		}
	}
}
