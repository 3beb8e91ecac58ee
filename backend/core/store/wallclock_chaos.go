//go:build chaos

package store

import (
	"fmt"
	"os"
	"time"
)

// wallClock, in a build with the chaos tag, is the system clock shifted by
// OUTPOST_CLOCK_OFFSET (a duration such as 30m or -10m): a chaos run gives its peers
// clocks that disagree, as laptops' clocks do. Release builds have no such setting.
func wallClock() func() time.Time {
	v := os.Getenv("OUTPOST_CLOCK_OFFSET")
	if v == "" {
		return time.Now
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "OUTPOST_CLOCK_OFFSET %q is not a duration (such as 30m or -10m); the clock is not shifted\n", v)
		return time.Now
	}
	return func() time.Time { return time.Now().Add(d) }
}
