package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles writes a CPU profile to $OUTPOST_CPUPROFILE, an execution trace (where
// goroutines wait) to $OUTPOST_TRACE and, when the returned function runs, an
// allocation profile to $OUTPOST_MEMPROFILE: how the import, a join or a serving peer
// is measured from outside. Unset, they do nothing.
func startProfiles() (stop func()) {
	cpu := os.Getenv("OUTPOST_CPUPROFILE")
	mem := os.Getenv("OUTPOST_MEMPROFILE")
	var cpuFile, traceFile *os.File
	if name := os.Getenv("OUTPOST_TRACE"); name != "" {
		f, err := os.Create(name)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "outpost: trace:", err)
		} else {
			traceFile = f
		}
	}
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "outpost: cpu profile:", err)
		} else {
			cpuFile = f
		}
	}
	return func() {
		if traceFile != nil {
			trace.Stop()
			traceFile.Close()
		}
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem == "" {
			return
		}
		f, err := os.Create(mem)
		if err != nil {
			fmt.Fprintln(os.Stderr, "outpost: allocation profile:", err)
			return
		}
		defer f.Close()
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintln(os.Stderr, "outpost: allocation profile:", err)
		}
	}
}
