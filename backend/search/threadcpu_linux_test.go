package search

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used by the calling OS thread (lock it first),
// which, unlike wall-clock time, does not grow when other processes share the CPUs.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
