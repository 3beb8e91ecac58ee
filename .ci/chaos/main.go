// Command chaos runs real `outpost serve` peers of one team on loopback, writes tickets to
// every peer through the documented HTTP API, and meanwhile kills (-9), freezes (SIGSTOP,
// SIGCONT) and restarts them. At the end every acknowledged write must be on every peer
// and every peer's state hash (SystemService/State) must be equal. `make chaos` runs it;
// CI runs a short version. It lives under .ci because it is tooling, not the product.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"outpost/app/apptest/peer"
	"sync"
	"syscall"
	"time"
)

type result struct {
	cycles, kills, freezes, restarts int
	acked, lost, divergent           int
	converge                         time.Duration
}

func main() {
	bin := flag.String("bin", "build/bin/outpost-headless", "the outpost binary")
	n := flag.Int("peers", 3, "peers in the team")
	cycles := flag.Int("cycles", 20, "fault cycles")
	seed := flag.Int64("seed", time.Now().UnixNano(), "seed of the fault schedule")
	keep := flag.Bool("keep", false, "keep the peers' data directories and logs")
	partitions := flag.Int("partitions", 0, "then: network fault rounds (partitions; every fifth one loss and delay) through a proxy between the gossip ports")
	chaosBin := flag.String("chaos-bin", "", "then: a build with the chaos tag (a shiftable clock) for peers whose clocks disagree")
	disk := flag.Bool("disk-full", false, "then: fill one peer's disk (a small tmpfs; needs root)")
	mails := flag.Int("mails", 0, "instead: deliver this many mails to a real mailbox (dovecot) handled by two of the peers, killing handlers -9 once per cycle")
	flag.Parse()
	if *mails > 0 {
		mailChaos(*bin, *mails, *cycles, *seed, *keep)
		return
	}
	root, err := os.MkdirTemp("", "outpost-chaos-")
	if err != nil {
		fail(err)
	}
	fmt.Printf("chaos: %d peers, %d cycles, seed %d, logs in %s\n", *n, *cycles, *seed, root)
	res, err := run(*bin, root, *n, *cycles, rand.New(rand.NewSource(*seed)))
	if !*keep && err == nil && res.lost == 0 && res.divergent == 0 {
		os.RemoveAll(root)
	}
	if err != nil {
		fail(fmt.Errorf("%w (seed %d, logs in %s)", err, *seed, root))
	}
	fmt.Printf("chaos: cycles %d (kill -9 %d, freeze %d, restart %d), acknowledged writes %d, lost %d, divergent peers %d, converged %.1f s after the faults\n",
		res.cycles, res.kills, res.freezes, res.restarts, res.acked, res.lost, res.divergent, res.converge.Seconds())
	if res.lost > 0 || res.divergent > 0 {
		fmt.Printf("chaos: 0 passed, 1 failed (seed %d, logs in %s)\n", *seed, root)
		os.Exit(1)
	}
	if *partitions > 0 {
		stage(root, fmt.Sprintf("seed %d, ", *seed), func() (report, error) {
			return runNet(*bin, root, *n, *partitions, rand.New(rand.NewSource(*seed)))
		})
	}
	if *chaosBin != "" {
		stage(root, "", func() (report, error) { return runClock(*chaosBin, root) })
	}
	if *disk {
		stage(root, "", func() (report, error) { return runDisk(*bin, root) })
	}
	fmt.Println("chaos: 1 passed, 0 failed")
}

// report is what one stage of faults found.
type report interface {
	print()
	ok() bool
}

// stage runs one stage of faults after the first, prints what it found and exits on a
// failure, naming where the logs are (and the seed, when what failed drew from one).
func stage(root, where string, run func() (report, error)) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		fail(err)
	}
	res, err := run()
	res.print()
	if err != nil {
		fail(fmt.Errorf("%w (%slogs in %s)", err, where, root))
	}
	if !res.ok() {
		fmt.Printf("chaos: 0 passed, 1 failed (%slogs in %s)\n", where, root)
		os.Exit(1)
	}
	os.RemoveAll(root)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "chaos:", err)
	fmt.Println("chaos: 0 passed, 1 failed")
	os.Exit(1)
}

func run(bin, root string, n, cycles int, rng *rand.Rand) (result, error) {
	peers, err := peer.Team(bin, root, n)
	if err != nil {
		return result{}, err
	}
	defer func() {
		for _, p := range peers {
			p.Stop()
		}
	}()
	acked := &acks{ids: map[string]bool{}}
	stopWork := startWriters(peers, acked.add)
	res := result{cycles: cycles}
	for range cycles {
		if err := fault(peers[rng.Intn(len(peers))], rng, &res); err != nil {
			stopWork()
			return res, err
		}
		time.Sleep(time.Duration(200+rng.Intn(600)) * time.Millisecond)
	}
	stopWork()
	ended := time.Now()
	res.divergent = converge(peers, 90*time.Second)
	res.converge = time.Since(ended)
	res.acked = len(acked.ids)
	res.lost = missing(peers, acked.ids)
	return res, nil
}

// acks collects the IDs of acknowledged tickets from concurrent writers.
type acks struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (a *acks) add(id string) { a.mu.Lock(); a.ids[id] = true; a.mu.Unlock() }

// startWriters writes tickets on every peer (see write) until the stop it returns is
// called, which waits for the writers to end.
func startWriters(peers []*peer.Peer, ack func(id string)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func() { defer wg.Done(); write(ctx, p, ack) }()
	}
	return func() { cancel(); wg.Wait() }
}

// write creates tickets on p until ctx ends, reporting each one the API acknowledged.
func write(ctx context.Context, p *peer.Peer, ack func(id string)) {
	for i := 0; ctx.Err() == nil; i++ {
		var t struct {
			ID string `json:"id"`
		}
		err := p.Call(ctx, "TicketService/Create", &t, map[string]any{"title": fmt.Sprintf("Chaos write %d from %s", i, p.Name)})
		if err == nil && t.ID != "" {
			ack(t.ID)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// fault does one thing to p: kill -9 and restart, freeze and thaw, or a clean restart.
func fault(p *peer.Peer, rng *rand.Rand, res *result) error {
	switch rng.Intn(3) {
	case 0:
		p.Kill()
		res.kills++
		time.Sleep(time.Duration(100+rng.Intn(700)) * time.Millisecond)
		return p.Start()
	case 1:
		p.Signal(syscall.SIGSTOP)
		res.freezes++
		time.Sleep(time.Duration(500+rng.Intn(1500)) * time.Millisecond)
		p.Signal(syscall.SIGCONT)
		return nil
	default:
		p.Stop()
		res.restarts++
		return p.Start()
	}
}

// missing counts acknowledged tickets absent from a peer.
func missing(peers []*peer.Peer, acked map[string]bool) int {
	lost := 0
	for id := range acked {
		for _, p := range peers {
			var t struct {
				ID string `json:"id"`
			}
			if err := p.Call(context.Background(), "TicketService/Get", &t, id); err != nil || t.ID != id {
				lost++
				fmt.Printf("chaos: acknowledged ticket %s is missing on %s: %v\n", id, p.Name, err)
			}
		}
	}
	return lost
}

// converge waits until every peer reports the same state hash and returns how many peers
// still differ from the first when the time is up.
func converge(peers []*peer.Peer, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		hashes := make([]string, len(peers))
		for i, p := range peers {
			var st struct {
				Hash string `json:"hash"`
			}
			if err := p.Call(context.Background(), "SystemService/State", &st); err == nil {
				hashes[i] = st.Hash
			}
		}
		differ := 0
		for _, h := range hashes[1:] {
			if h == "" || h != hashes[0] {
				differ++
			}
		}
		if differ == 0 && hashes[0] != "" || time.Now().After(deadline) {
			return differ
		}
		time.Sleep(250 * time.Millisecond)
	}
}
