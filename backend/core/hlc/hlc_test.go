package hlc

import (
	"errors"
	"testing"
	"time"
)

type fakeWall struct{ t time.Time }

func (f *fakeWall) now() time.Time { return f.t }

func TestNowIsMonotonicWhenWallClockStallsOrGoesBack(t *testing.T) {
	t.Parallel()
	w := &fakeWall{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	c := NewClock(w.now, 0)
	a := c.Now()
	b := c.Now()
	if b <= a {
		t.Fatalf("second timestamp %v not after %v", b, a)
	}
	w.t = w.t.Add(-time.Minute)
	d := c.Now()
	if d <= b {
		t.Fatalf("timestamp after clock went back %v not after %v", d, b)
	}
	w.t = w.t.Add(time.Hour)
	e := c.Now()
	if e.Time() != w.t.UTC().Truncate(time.Millisecond) || e.Logical() != 0 {
		t.Fatalf("timestamp %v should follow the wall clock %v with a zero counter", e, w.t)
	}
}

func TestObserve(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		remote  time.Time
		wantErr bool
	}{
		{"past", base.Add(-time.Hour), false},
		{"slightly ahead", base.Add(10 * time.Minute), false},
		{"at the drift bound", base.Add(MaxDrift), false},
		{"beyond the drift bound", base.Add(MaxDrift + time.Second), true},
		{"a year ahead", base.AddDate(1, 0, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &fakeWall{t: base}
			c := NewClock(w.now, 0)
			remote := FromTime(tt.remote) + 3
			err := c.Observe(remote)
			if tt.wantErr {
				if !errors.Is(err, ErrTooFarAhead) {
					t.Fatalf("Observe(%v) = %v, want ErrTooFarAhead", tt.remote, err)
				}
				if c.Last() >= remote {
					t.Fatalf("refused timestamp was folded into the clock")
				}
				return
			}
			if err != nil {
				t.Fatalf("Observe: %v", err)
			}
			if next := c.Now(); next <= remote {
				t.Fatalf("Now() = %v, want after observed %v", next, remote)
			}
		})
	}
}
