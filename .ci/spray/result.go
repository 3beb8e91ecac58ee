package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"outpost/app/apptest/peer"
)

type result struct {
	sent       map[string]int
	sendErrors int
	sprayFor   time.Duration
	usage      usage
	acked      []string
	missing    int
	divergent  bool
	devices    int
	waiting    int      // changes the target keeps on disk for their predecessors
	strangers  []string // devices the target lists beyond the genuine peer
	stats      map[string]any
	control    *result // the same edits for as long without the flood
}

// Goals: the target spends less than one core on the flood, its memory stays flat
// (its peak under the flood is less than maxGrowth above its peak under the same
// edits without it), and it keeps nothing the flood carried.
const maxGrowth = 32 << 20

// judgeMemoryFrom is how many messages a flood needs for its memory to be judged: a
// flood of seconds (spray-short) is dominated by the processes' first GC cycles, and
// its control run's peak varied from 40 to 64 MB; its figures are printed, not judged.
const judgeMemoryFrom = 200_000

func (r *result) messages() int {
	n := 0
	for _, k := range r.sent {
		n += k
	}
	return n
}

func (r *result) cores() float64 { return r.usage.cpu.Seconds() / r.usage.wall.Seconds() }

func (r *result) ok() bool {
	return r.missing == 0 && !r.divergent && r.devices == 2 && r.waiting == 0 && len(r.strangers) == 0 && r.cores() < 1 && (r.messages() < judgeMemoryFrom || r.flat())
}

// flat reports whether the target's memory met its goal: the genuine peer's writes
// grow the target's caches with or without a flood, so the flood's run is compared
// with the control run's.
func (r *result) flat() bool {
	return r.control != nil && r.usage.rssPeak-r.control.usage.rssPeak < maxGrowth
}

func (r *result) print() {
	total := 0
	kinds := make([]string, 0, len(r.sent))
	for k, n := range r.sent {
		kinds = append(kinds, k)
		total += n
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Printf("spray:   %-40s %d\n", k, r.sent[k])
	}
	mb := func(n int64) float64 { return float64(n) / (1 << 20) }
	fmt.Printf("spray: %d messages in %.1f s (%.0f/s, %d not sent); the target's stats %v\n",
		total, r.sprayFor.Seconds(), float64(total)/r.sprayFor.Seconds(), r.sendErrors, r.stats)
	fmt.Printf("spray: target CPU %.2f cores (goal < 1), %.0f µs per message; memory %.0f MB before, peak %.0f MB, %.0f MB after\n",
		r.cores(), r.usage.cpu.Seconds()*1e6/float64(total), mb(r.usage.rssStart), mb(r.usage.rssPeak), mb(r.usage.rssEnd))
	if c := r.control; c != nil {
		fmt.Printf("spray: without the flood (%d genuine writes): memory %.0f MB before, peak %.0f MB, %.0f MB after; the flood added %+.0f MB at the peak (goal < %d MB: %s)\n",
			len(c.acked), mb(c.usage.rssStart), mb(c.usage.rssPeak), mb(c.usage.rssEnd), mb(r.usage.rssPeak-c.usage.rssPeak), maxGrowth>>20,
			map[bool]string{true: "met", false: "not met"}[r.flat()])
	}
	fmt.Printf("spray: genuine writes during the flood %d, missing on the target %d; state equal to the genuine peer's: %v; devices held %d (want 2); changes kept waiting on disk %d (want 0); strangers listed %d %v\n",
		len(r.acked), r.missing, !r.divergent, r.devices, r.waiting, len(r.strangers), r.strangers[:min(5, len(r.strangers))])
}

// check waits for the target to hold what the genuine peer wrote and nothing else.
func (r *result) check(target, genuine *peer.Peer) error {
	ctx := context.Background()
	type state struct {
		Hash    string `json:"hash"`
		Devices int    `json:"devices"`
		Waiting int    `json:"waiting"`
	}
	var a, b state
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := target.Call(ctx, "SystemService/State", &a); err != nil {
			return fmt.Errorf("the target stopped answering after the flood: %w", err)
		}
		if err := genuine.Call(ctx, "SystemService/State", &b); err != nil {
			return err
		}
		if a.Hash == b.Hash || time.Now().After(deadline) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	r.divergent, r.devices, r.waiting = a.Hash != b.Hash, a.Devices, a.Waiting
	for _, id := range r.acked {
		var t struct {
			ID string `json:"id"`
		}
		if err := target.Call(ctx, "TicketService/Get", &t, id); err != nil || t.ID != id {
			r.missing++
		}
	}
	var st struct {
		Peers []struct {
			Device string `json:"device"`
			Name   string `json:"name"`
		} `json:"peers"`
		Stats map[string]any `json:"stats"`
	}
	if err := target.Call(ctx, "TeamService/Status", &st); err != nil {
		return err
	}
	r.stats = st.Stats
	for _, p := range st.Peers {
		// The insider itself is a live member of the gossip (it holds the key) and is
		// listed as one, without a name; a device it only claimed to be must not be.
		if p.Name != genuine.Name && p.Device != insiderName {
			r.strangers = append(r.strangers, p.Device)
		}
	}
	return nil
}
