package app

import (
	"runtime"
	"testing"
	"time"
)

func TestPaintedReportsTheTimeSinceStartOnce(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	first, err := a.System.Painted()
	if err != nil {
		t.Fatal(err)
	}
	if first < 0 || time.Duration(first)*time.Millisecond > 10*time.Minute {
		t.Fatalf("painted %d ms after start", first)
	}
	time.Sleep(20 * time.Millisecond)
	again, _ := a.System.Painted()
	if again != first {
		t.Fatalf("second call says %d ms, first %d ms", again, first)
	}
}

func TestProcessStart(t *testing.T) {
	t.Parallel()
	began, ok := processStart()
	if runtime.GOOS != "linux" {
		t.Skip("read from /proc on Linux only")
	}
	if !ok {
		t.Fatal("no process start time on Linux")
	}
	// The test binary started before this test and not long ago.
	if age := time.Since(began); age < 0 || age > 10*time.Minute {
		t.Fatalf("process started %s ago", age)
	}
}
