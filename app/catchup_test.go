package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"outpost/sync/replica"
)

// A new device's first catch-up is in serve's log: changes received of expected,
// the rate and the time left every few seconds, and a line when it is done; a small
// catch-up logs nothing.
func TestCatchUpIsLoggedWithTimeLeft(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	l := newCatchUpLog(slog.New(slog.NewTextHandler(&out, nil)))
	at := time.Unix(1_000, 0)
	l.now = func() time.Time { return at }
	step := func(d time.Duration, p replica.Progress) {
		at = at.Add(d)
		l.progress(p)
	}
	step(0, replica.Progress{Peer: "a", Received: 10, Expected: 30})
	step(time.Second, replica.Progress{Peer: "a", Received: 30, Expected: 30, Done: true})
	if out.Len() != 0 {
		t.Fatalf("a catch-up of 30 changes was logged:\n%s", out.String())
	}
	step(0, replica.Progress{Peer: "b", Received: 1_500, Expected: 100_000})
	step(time.Second, replica.Progress{Peer: "b", Received: 3_000, Expected: 100_000}) // no rate to tell yet
	step(3*time.Second, replica.Progress{Peer: "b", Received: 20_000, Expected: 100_000})
	step(4*time.Second, replica.Progress{Peer: "b", Received: 100_000, Expected: 100_000, Done: true})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want a progress line and one at the end, got:\n%s", out.String())
	}
	// 20,000 in 4 s: 5,000 a second, 80,000 left: 16 s.
	for _, want := range []string{"received=20000", "expected=100000", "per_second=5000", "left=16s"} {
		if !strings.Contains(lines[0], want) {
			t.Fatalf("progress line %q lacks %s", lines[0], want)
		}
	}
	if !strings.Contains(lines[1], `msg="caught up with a peer"`) || !strings.Contains(lines[1], "changes=100000") || !strings.Contains(lines[1], "took=8s") {
		t.Fatalf("last line: %q", lines[1])
	}
}
