//go:build unix

package metrics

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (user + system), to report a
// benchmark's cost apart from the wall time other processes take from it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
