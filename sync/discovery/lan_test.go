package discovery

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"outpost/sync/lantest"
)

// Two devices of a team on two hosts of one link find each other by mDNS, with no
// address typed anywhere; a device of another team on the same link stays unseen.
func TestPeersFindEachOtherOnALAN(t *testing.T) {
	hosts := lantest.Pair(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type helper struct {
		stdin io.WriteCloser
		lines chan string
	}
	start := func(h lantest.Host, device, other string) helper {
		cmd := h.Command(ctx, exe, "-test.run", "^TestLANHelper$")
		cmd.Env = append(os.Environ(), "OUTPOST_LAN_HELPER=1", "OUTPOST_LAN_TEAM=team-1",
			"OUTPOST_LAN_DEVICE="+device, "OUTPOST_LAN_OTHER_TEAM_DEVICE="+other)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
		lines := make(chan string, 16)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		return helper{stdin, lines}
	}
	a := start(hosts[0], "deva", "")
	b := start(hosts[1], "devb", "devx")
	want := map[*helper]string{&a: "found " + hosts[1].IP + ":7481", &b: "found " + hosts[0].IP + ":7481"}
	for h, line := range want {
		for got := range h.lines {
			if strings.HasPrefix(got, "found ") {
				if got != line {
					t.Fatalf("a helper reported %q, want %q (only its team's peer)", got, line)
				}
				break
			}
			if strings.HasPrefix(got, "FAIL") || strings.HasPrefix(got, "--- FAIL") {
				t.Fatalf("helper: %s", got)
			}
		}
		if ctx.Err() != nil {
			t.Fatal("no peer found within a minute")
		}
	}
}

// TestLANHelper is the program TestPeersFindEachOtherOnALAN runs on each host:
// it advertises a device of team-1 (and, if asked, one of another team), browses
// until it sees a peer of team-1, prints "found ADDR", and stays up until stdin closes.
func TestLANHelper(t *testing.T) {
	if os.Getenv("OUTPOST_LAN_HELPER") == "" {
		t.Skip("run by TestPeersFindEachOtherOnALAN on a host of its test network")
	}
	ctx := context.Background()
	d, err := Start(ctx, Options{TeamID: os.Getenv("OUTPOST_LAN_TEAM"), DeviceID: os.Getenv("OUTPOST_LAN_DEVICE"),
		Port: 7481, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	if other := os.Getenv("OUTPOST_LAN_OTHER_TEAM_DEVICE"); other != "" {
		x, err := Start(ctx, Options{TeamID: "team-2", DeviceID: other, Port: 7482, Interval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		defer x.Stop()
	}
	if len(d.Advertised()) != 1 {
		t.Fatalf("advertising %v, want the host's one LAN address", d.Advertised())
	}
	deadline := time.Now().Add(45 * time.Second)
	for {
		if addrs := d.Browse(ctx, time.Second); len(addrs) > 0 {
			fmt.Println("found " + strings.Join(addrs, " "))
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no peer found")
		}
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
}
