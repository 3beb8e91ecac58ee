//go:build !linux

package search

import "time"

// threadCPU is only measured on Linux.
func threadCPU() time.Duration { return 0 }
