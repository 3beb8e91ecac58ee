package cli

import (
	"fmt"
	"io"
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
	mem := os.Getenv("OUTPOST_MEMPROFILE")
	traceFile := startRecording("OUTPOST_TRACE", "trace", trace.Start)
	cpuFile := startRecording("OUTPOST_CPUPROFILE", "cpu profile", pprof.StartCPUProfile)
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

// startRecording creates the file $env names and starts recording into it; it returns
// the file, or nil when env is unset or the recording could not start (said on stderr).
func startRecording(env, what string, start func(io.Writer) error) *os.File {
	name := os.Getenv(env)
	if name == "" {
		return nil
	}
	f, err := os.Create(name)
	if err == nil {
		if err = start(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "outpost: %s: %v\n", what, err)
		return nil
	}
	return f
}
