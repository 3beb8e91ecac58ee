package discovery

import (
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
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := func(h lantest.Host, device, other string) lantest.Proc {
		return h.Start(ctx, t, "TestLANHelper", "OUTPOST_LAN_HELPER=1", "OUTPOST_LAN_TEAM=team-1",
			"OUTPOST_LAN_DEVICE="+device, "OUTPOST_LAN_OTHER_TEAM_DEVICE="+other)
	}
	a := start(hosts[0], "deva", "")
	b := start(hosts[1], "devb", "devx")
	// Each reports its team's peer only: the other team's device on the link is not found.
	if got, want := a.Expect(t, "found "), "found "+hosts[1].IP+":7481"; got != want {
		t.Fatalf("a reported %q, want %q", got, want)
	}
	if got, want := b.Expect(t, "found "), "found "+hosts[0].IP+":7481"; got != want {
		t.Fatalf("b reported %q, want %q", got, want)
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
