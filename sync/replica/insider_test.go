package replica

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/sync/wire"
)

// TestNoticeOfAChangeNobodyHoldsIsNoStorm: a member announces a change numbered far
// beyond anything its device made. The others relay the notice once each and pull for it
// a bounded number of times; they do not pass it back and forth for ever.
func TestNoticeOfAChangeNobodyHoldsIsNoStorm(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	a, b, c := nodes[0], nodes[1], nodes[2]
	a.edit(t, "t1", "title", "genuine")
	converge(t, 10*time.Second, a, b, c)
	msg, _ := wire.Encode(wire.TypeHave, wire.Have{Device: a.st.Device().ID, Seq: 1 << 40})
	for _, to := range []*node{b, c} {
		if err := a.rep.ml.SendReliable(member(t, a, to.st.Device().ID), msg); err != nil {
			t.Fatal(err)
		}
	}
	before := [2]Stats{b.rep.Stats(), c.rep.Stats()}
	time.Sleep(5 * time.Second)
	for i, n := range []*node{b, c} {
		s := n.rep.Stats()
		relayed, pulls := s.Relayed-before[i].Relayed, s.PullsSent-before[i].PullsSent
		t.Logf("node %d in 5 s: %d relays, %d pulls", i, relayed, pulls)
		if relayed > 1 {
			t.Errorf("node %d relayed the notice %d times", i, relayed)
		}
		if pulls > 8 {
			t.Errorf("node %d sent %d pulls in 5 s", i, pulls)
		}
	}
}

// TestPeersListsOnlyVerifiedDevices: a member's message naming a sender that is neither
// a member nor a device of the team does not make that name a peer.
func TestPeersListsOnlyVerifiedDevices(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 2)
	a, b := nodes[0], nodes[1]
	converge(t, 10*time.Second, a, b)
	msg, _ := wire.Encode(wire.TypeState, wire.State{From: "ghost-device", Vector: map[string]uint64{"ghost-device": 9}})
	if err := a.rep.ml.SendReliable(member(t, a, b.st.Device().ID), msg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return b.rep.Stats().Received > 0 })
	time.Sleep(500 * time.Millisecond)
	for _, p := range b.rep.Peers() {
		if p.Device == "ghost-device" {
			t.Fatalf("a name no member goes by is listed as a peer: %+v", b.rep.Peers())
		}
	}
	if ps := b.rep.Peers(); len(ps) != 1 || ps[0].Device != a.st.Device().ID {
		t.Fatalf("peers %+v, want only %s", ps, a.st.Device().ID)
	}
}

// TestDiscoveredAddressIsKeptOnlyAfterAJoin: an address found on the network (mDNS,
// which anyone on the LAN can answer) is not kept for reconnecting unless a member
// answered there with the team key; the address of a peer that did is kept.
func TestDiscoveredAddressIsKeptOnlyAfterAJoin(t *testing.T) {
	tm := newTeam(t)
	a := startNode(t, tm, "")
	b := startNode(t, tm, "")
	stranger := startNode(t, newTeam(t), "") // answers, but holds another team's key
	b.rep.Discovered([]string{"127.0.0.1:1", stranger.rep.Addr(), a.rep.Addr()})
	waitFor(t, 10*time.Second, func() bool { return slices.Contains(b.rep.Known(), a.rep.Addr()) })
	for _, bad := range []string{"127.0.0.1:1", stranger.rep.Addr()} {
		if slices.Contains(b.rep.Known(), bad) {
			t.Fatalf("kept %s, where no member answered: %v", bad, b.rep.Known())
		}
	}
}

// TestAddressesAgeOut: an address where no member answered for ForgetAfter is no
// longer tried and OnForget is told of it; the address of a member that keeps
// answering stays however long it has been known.
func TestAddressesAgeOut(t *testing.T) {
	tm := newTeam(t)
	a := startNode(t, tm, "")
	c := startNode(t, tm, "")
	forgot := make(chan string, 4)
	b := &node{dir: t.TempDir(), tune: func(cfg *Config) {
		cfg.ForgetAfter = 2 * time.Second
		cfg.OnForget = func(addr string) { forgot <- addr }
	}}
	st, err := store.Open(t.Context(), store.Options{Dir: b.dir, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	b.st = st
	b.start(t, tm)
	t.Cleanup(b.stop)
	gone, stays := a.rep.Addr(), c.rep.Addr()
	if _, err := b.rep.Join([]string{gone, stays}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return b.rep.ml.NumMembers() == 3 })
	a.stop()
	select {
	case got := <-forgot:
		if got != gone {
			t.Fatalf("forgot %s, want %s", got, gone)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the address of a device gone for good is still tried: %v", b.rep.Known())
	}
	if known := b.rep.Known(); slices.Contains(known, gone) || !slices.Contains(known, stays) {
		t.Fatalf("known addresses %v, want %s and not %s", known, stays, gone)
	}
}

// TestStateClaimingFarAheadIsPulledForOnce: a member keeps telling a peer it holds a
// change far beyond anything its device made. The peer asks once for what the claim
// names, not once per telling.
func TestStateClaimingFarAheadIsPulledForOnce(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 2)
	a, b := nodes[0], nodes[1]
	converge(t, 10*time.Second, a, b)
	v, _ := a.st.Vector()
	v[a.st.Device().ID] = 1 << 40
	msg, _ := wire.Encode(wire.TypeState, wire.State{From: a.st.Device().ID, Vector: v})
	target := member(t, a, b.st.Device().ID)
	before := b.rep.Stats().PullsSent
	for range 40 {
		if err := a.rep.ml.SendReliable(target, msg); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The 2 s of tellings may also hold a timed anti-entropy pull (every 3 s) and memberlist's push/pull.
	if pulls := b.rep.Stats().PullsSent - before; pulls > 4 {
		t.Fatalf("40 tellings of one claim brought %d pulls", pulls)
	}
}

// TestPullsClaimingUnknownNamesCostNothing: a member sends thousands of pulls, each
// claiming a name no member goes by. The replica keeps no entry for any of them, and
// at most a few wait to be tried again, so a flood leaves its memory flat (make spray:
// 125,000 such pulls grew a peer by 200 MB before).
func TestPullsClaimingUnknownNamesCostNothing(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 2)
	a, b := nodes[0], nodes[1]
	target := member(t, a, b.st.Device().ID)
	for i := range 3000 {
		msg, err := wire.Encode(wire.TypePull, wire.Pull{From: fmt.Sprintf("nobody%06d", i), Vector: map[string]uint64{}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.rep.ml.SendBestEffort(target, msg); err != nil {
			t.Fatal(err)
		}
		if i%100 == 99 {
			time.Sleep(2 * time.Millisecond) // paced, so that a loaded machine's socket buffer does not drop most of them
		}
	}
	waitFor(t, 10*time.Second, func() bool { return b.rep.Stats().Received >= 1000 })
	b.rep.mu.Lock()
	entries := len(b.rep.peers)
	b.rep.mu.Unlock()
	if entries > 2 || b.rep.retries.Load() > maxPullRetries {
		t.Fatalf("after pulls from 3,000 unknown names the replica holds %d peer entries and %d pulls waiting to be tried again",
			entries, b.rep.retries.Load())
	}
}
