package main

import (
	"context"
	"fmt"
	"math/rand"
	"net"
	"slices"
	"strconv"
	"time"

	"outpost/app/apptest/peer"
)

// netResult is what the network faults did.
type netResult struct {
	partitions, degraded  int
	acked, lost, leaks    int
	divergent             int
	heals                 []time.Duration // from heal to equal state hashes, per cycle
	relayed, dropped, kib int64
}

// runNet makes n peers talk only through a lossyNet and cycles times splits them
// into two groups (and, every fifth round, instead drops 30% of packets and streams and
// delays the rest by 100 ms) while every peer takes writes; then heals and times how
// long until every peer's state hash is equal. A write made on one side during a
// partition must not reach the other side before the heal (else it was no partition).
func runNet(bin, root string, n, cycles int, rng *rand.Rand) (netResult, error) {
	var res netResult
	var peers []*peer.Peer
	var ports []int
	for i := range n {
		p, err := peer.New(bin, root, fmt.Sprintf("net-%d", i+1))
		if err != nil {
			return res, err
		}
		p.Bind = realIP(i).String()
		p.Advertise = net.JoinHostPort(frontIP(i).String(), strconv.Itoa(p.GossipPort()))
		peers, ports = append(peers, p), append(ports, p.GossipPort())
	}
	lossy, err := newLossyNet(ports, rng)
	if err != nil {
		return res, err
	}
	defer lossy.close()
	defer func() {
		for _, p := range peers {
			p.Stop()
		}
	}()
	if err := peer.Form(peers); err != nil {
		return res, err
	}
	if converge(peers, 60*time.Second) > 0 {
		return res, fmt.Errorf("the peers did not converge through the proxy before the faults")
	}
	acked := &acks{ids: map[string]bool{}}
	for c := range cycles + cycles/4 { // every fifth round degrades the network instead: cycles partitions in all
		stop := startWriters(peers, acked.add)
		if c%5 == 4 {
			lossy.degrade(0.3, 100*time.Millisecond)
			res.degraded++
			time.Sleep(2 * time.Second)
		} else {
			group := split(n, rng)
			lossy.partition(group)
			res.partitions++
			leaked, err := leak(peers, group)
			if err != nil {
				stop()
				return res, err
			}
			if leaked {
				res.leaks++
			}
			time.Sleep(time.Duration(500+rng.Intn(1500)) * time.Millisecond)
		}
		stop()
		lossy.heal()
		healed := time.Now()
		if d := converge(peers, 60*time.Second); d > 0 {
			res.divergent = d
			return res, fmt.Errorf("cycle %d: %d peers still differ 60 s after the heal", c+1, d)
		}
		res.heals = append(res.heals, time.Since(healed))
	}
	res.acked = len(acked.ids)
	res.lost = missing(peers, acked.ids)
	res.relayed, res.dropped, res.kib = lossy.relayed.Load(), lossy.dropped.Load(), lossy.bytes.Load()>>10
	return res, nil
}

// split puts each peer in one of two non-empty groups.
func split(n int, rng *rand.Rand) []bool {
	for {
		g := make([]bool, n)
		k := 0
		for i := range g {
			if g[i] = rng.Intn(2) == 0; g[i] {
				k++
			}
		}
		if k > 0 && k < n {
			return g
		}
	}
}

// leak writes a ticket on a peer of the first group and reports whether a peer of the
// other group holds it 700 ms later: a partition that lets changes through is none.
func leak(peers []*peer.Peer, group []bool) (bool, error) {
	a := slices.Index(group, true)
	b := slices.Index(group, false)
	var t struct {
		ID string `json:"id"`
	}
	if err := peers[a].Call(context.Background(), "TicketService/Create", &t, map[string]any{"title": "Written during a partition"}); err != nil {
		return false, fmt.Errorf("write during a partition: %w", err)
	}
	time.Sleep(700 * time.Millisecond)
	var got struct {
		ID string `json:"id"`
	}
	err := peers[b].Call(context.Background(), "TicketService/Get", &got, t.ID)
	return err == nil && got.ID == t.ID, nil
}

func (r netResult) print() {
	s := slices.Clone(r.heals)
	slices.Sort(s)
	median, worst := time.Duration(0), time.Duration(0)
	if len(s) > 0 {
		median, worst = s[len(s)/2], s[len(s)-1]
	}
	fmt.Printf("chaos: network: partitions %d, rounds of 30%% loss + 100 ms delay %d, acknowledged writes %d, lost %d, divergent peers %d, "+
		"writes across a partition %d; equal state hashes after a heal: median %.1f s, worst %.1f s; through the proxy %d packets and streams (%d dropped), %d MiB\n",
		r.partitions, r.degraded, r.acked, r.lost, r.divergent, r.leaks, median.Seconds(), worst.Seconds(), r.relayed, r.dropped, r.kib>>10)
}

func (r netResult) ok() bool { return r.lost == 0 && r.divergent == 0 && r.leaks == 0 && r.relayed > 0 }
