//go:build !chaos

package store

import "time"

// wallClock is the wall clock a store reads unless Options.Now says otherwise.
// A build with the chaos tag shifts it (see wallclock_chaos.go).
func wallClock() func() time.Time { return time.Now }
