package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"outpost/app/apptest/peer"
)

// clockResult is what peers with clocks that disagree did.
type clockResult struct {
	acked, lost, divergent int
	converge               time.Duration
	aheadWrites            int // writes of the peer whose clock ran 2 h ahead
	aheadTaken             int // of those, held by the others
	warnings               int // refusal warnings in the others' logs while it ran ahead
}

// runClock runs three peers of a build with the chaos tag whose clocks are shifted:
// one 30 minutes ahead and one 10 minutes behind. All take writes; every
// acknowledged write must be on every peer and the state hashes equal. Then the
// third peer's clock jumps 2 hours ahead, past what the others accept from a clock
// (hlc.MaxDrift): its new writes stay its own, and the others must refuse them
// without a storm of pulls and warnings.
func runClock(bin, root string) (clockResult, error) {
	var res clockResult
	var peers []*peer.Peer
	for i, offset := range []string{"0s", "30m", "-10m"} {
		p, err := peer.New(bin, root, fmt.Sprintf("clock-%d", i+1))
		if err != nil {
			return res, err
		}
		p.Env = []string{"OUTPOST_CLOCK_OFFSET=" + offset}
		peers = append(peers, p)
	}
	defer func() {
		for _, p := range peers {
			p.Stop()
		}
	}()
	if err := peer.Form(peers); err != nil {
		return res, err
	}
	acked := &acks{ids: map[string]bool{}}
	writeFor(peers, 5*time.Second, acked.add)
	start := time.Now()
	res.divergent = converge(peers, 60*time.Second)
	res.converge = time.Since(start)
	res.acked, res.lost = len(acked.ids), missing(peers, acked.ids)

	ahead := peers[2]
	ahead.Stop()
	ahead.Env = []string{"OUTPOST_CLOCK_OFFSET=2h"}
	if err := ahead.Start(); err != nil {
		return res, err
	}
	before := refusals(peers[:2])
	aheadIDs := &acks{ids: map[string]bool{}}
	writeFor([]*peer.Peer{ahead}, 3*time.Second, aheadIDs.add)
	time.Sleep(15 * time.Second)
	res.warnings = refusals(peers[:2]) - before
	res.aheadWrites = len(aheadIDs.ids)
	for id := range aheadIDs.ids {
		var t struct {
			ID string `json:"id"`
		}
		if err := peers[0].Call(context.Background(), "TicketService/Get", &t, id); err == nil && t.ID == id {
			res.aheadTaken++
		}
	}
	return res, nil
}

// writeFor writes tickets on every peer for d.
func writeFor(peers []*peer.Peer, d time.Duration, ack func(string)) {
	stop := startWriters(peers, ack)
	time.Sleep(d)
	stop()
}

// refusals counts the warning lines about refused or rejected changes in the peers' logs.
func refusals(peers []*peer.Peer) int {
	n := 0
	for _, p := range peers {
		b, _ := os.ReadFile(filepath.Join(filepath.Dir(p.Dir), p.Name+".log"))
		for _, line := range strings.Split(string(b), "\n") {
			l := strings.ToLower(line)
			if strings.Contains(l, "level=warn") && (strings.Contains(l, "refus") || strings.Contains(l, "reject")) {
				n++
			}
		}
	}
	return n
}

func (r clockResult) print() {
	fmt.Printf("chaos: clocks: peers 30 min ahead and 10 min behind: acknowledged writes %d, lost %d, divergent peers %d, converged %.1f s after the writes; "+
		"a peer 2 h ahead: %d writes, %d taken by the others (want 0), %d refusal warnings in the others' logs over 15 s\n",
		r.acked, r.lost, r.divergent, r.converge.Seconds(), r.aheadWrites, r.aheadTaken, r.warnings)
}

// maxWarnings bounds the refusal warnings two peers may log in 15 s about a peer whose
// clock runs too far ahead: a few, not a storm.
const maxWarnings = 20

func (r clockResult) ok() bool {
	return r.lost == 0 && r.divergent == 0 && r.aheadTaken == 0 && r.warnings <= maxWarnings
}
