package peer

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// StatusKB reads one kB figure of /proc/PID/status (VmRSS:, VmHWM:, ...); 0 when
// the process or the line is not there.
func StatusKB(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb
		}
	}
	return 0
}

// CPUTime is the user and system time pid has used, from /proc/PID/stat (clock ticks
// of 10 ms, USER_HZ on every Linux architecture); 0 when the process is not there.
func CPUTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
