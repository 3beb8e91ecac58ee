// Command spray plays a hostile insider: a gossip node that holds the team key and
// sends a real `outpost serve` peer a flood of garbage and forged messages (random
// bytes, broken frames, changes with forged signatures that claim real and invented
// devices and sequence numbers far ahead, notices of changes that do not exist,
// pulls and vectors from a device nobody knows). Meanwhile a genuine peer keeps
// editing. It prints the target's CPU and memory under the flood and fails unless
// the target's replicated state is exactly what the genuine peers wrote: nothing the
// flood carried was kept. `make spray` runs it; CI runs a short version.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/memberlist"

	"outpost/app/apptest/peer"
	"outpost/sync/gossip"
	"outpost/sync/team"
)

func main() {
	bin := flag.String("bin", "build/bin/outpost-headless", "the outpost binary")
	total := flag.Int("messages", 1_000_000, "messages to send")
	seed := flag.Int64("seed", time.Now().UnixNano(), "seed of the messages")
	rate := flag.Int("rate", 10_000, "messages per second at most (0: as fast as the insider can send, which on one machine makes the target's CPU a matter of how the two share the cores)")
	profile := flag.String("profile", "", "write the target's CPU and allocation profiles into this folder")
	flag.Parse()
	root, err := os.MkdirTemp("", "outpost-spray-")
	if err != nil {
		fail(err)
	}
	fmt.Printf("spray: %d messages at a real peer, at most %d/s, seed %d, logs in %s\n", *total, *rate, *seed, root)
	res, err := run(*bin, filepath.Join(root, "flood"), *profile, 0, *rate, *total, rand.New(rand.NewSource(*seed)))
	if err != nil {
		fail(fmt.Errorf("%w (seed %d, logs in %s)", err, *seed, root))
	}
	// The same two peers and edits for as long, without the flood: what the target's
	// memory does anyway (its caches fill with the genuine peer's writes).
	fmt.Printf("spray: the genuine edits alone for %.0f s, to compare\n", res.sprayFor.Seconds())
	if res.control, err = run(*bin, filepath.Join(root, "control"), "", res.sprayFor, 0, 0, nil); err != nil {
		fail(fmt.Errorf("the run without the flood: %w (logs in %s)", err, root))
	}
	res.print()
	if !res.ok() {
		fmt.Printf("spray: 0 passed, 1 failed (seed %d, logs in %s)\n", *seed, root)
		os.Exit(1)
	}
	os.RemoveAll(root)
	fmt.Println("spray: 1 passed, 0 failed")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "spray:", err)
	os.Exit(1)
}

func run(bin, root, profile string, hold time.Duration, rate, total int, rng *rand.Rand) (*result, error) {
	var peers []*peer.Peer
	for _, name := range []string{"target", "genuine"} {
		p, err := peer.New(bin, root, name)
		if err != nil {
			return nil, err
		}
		peers = append(peers, p)
	}
	if profile != "" {
		peers[0].Env = []string{"OUTPOST_CPUPROFILE=" + filepath.Join(profile, "target.cpu.pprof"),
			"OUTPOST_MEMPROFILE=" + filepath.Join(profile, "target.alloc.pprof")}
	}
	if err := peer.Form(peers); err != nil {
		return nil, err
	}
	defer func() {
		for _, p := range peers {
			p.Stop()
		}
	}()
	target, genuine := peers[0], peers[1]
	tm, err := team.Load(target.Dir)
	if err != nil {
		return nil, err
	}
	ml, err := insider(tm, target.GossipAddr())
	if err != nil {
		return nil, err
	}
	defer ml.Shutdown()
	node := memberByAddr(ml, target.GossipAddr())
	if node == nil {
		return nil, fmt.Errorf("the target %s is not among the insider's members", target.GossipAddr())
	}
	ids, err := deviceIDs(target, genuine)
	for deadline := time.Now().Add(15 * time.Second); err != nil && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond) // the peers may not have listed each other yet
		ids, err = deviceIDs(target, genuine)
	}
	if err != nil {
		return nil, err
	}
	res := &result{sent: map[string]int{}}
	watch := startWatch(target.PID())
	edits := startEdits(genuine)
	f := forger{rng: rng, devices: append(ids, ml.LocalNode().Name), team: tm.ID}
	start := time.Now()
	for i := 0; i < total; i++ {
		if rate > 0 && i%100 == 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
		}
		kind, msg, reliable := f.next()
		res.sent[kind]++
		if reliable {
			err = ml.SendReliable(node, msg)
		} else {
			err = ml.SendBestEffort(node, msg)
		}
		if err != nil {
			res.sendErrors++
		}
	}
	time.Sleep(hold - time.Since(start))
	res.sprayFor = time.Since(start)
	res.usage = watch.stop()
	res.acked = edits.stop()
	return res, res.check(target, genuine)
}

// insiderName is the insider's gossip node name.
var insiderName = fmt.Sprintf("insider%d", os.Getpid())

// insider joins the team's gossip at addr as a node of its own that holds the team key.
func insider(tm team.Team, addr string) (*memberlist.Memberlist, error) {
	mc, err := gossip.Config(gossip.Options{DeviceID: insiderName, TeamID: tm.ID, Keys: tm.Keys,
		BindAddr: "127.0.0.1", BindPort: 0, Preset: "local", Logger: quiet()})
	if err != nil {
		return nil, err
	}
	ml, err := memberlist.Create(mc)
	if err != nil {
		return nil, err
	}
	if _, err := ml.Join([]string{addr}); err != nil {
		ml.Shutdown()
		return nil, fmt.Errorf("join the team's gossip at %s: %w", addr, err)
	}
	return ml, nil
}

func memberByAddr(ml *memberlist.Memberlist, addr string) *memberlist.Node {
	for _, m := range ml.Members() {
		if m.Address() == addr {
			return m
		}
	}
	return nil
}

// deviceIDs are the team's real devices, as the two peers list each other.
func deviceIDs(peers ...*peer.Peer) ([]string, error) {
	var ids []string
	for _, p := range peers {
		var list []struct {
			Device string `json:"device"`
		}
		if err := p.Call(context.Background(), "TeamService/Peers", &list); err != nil {
			return nil, err
		}
		for _, d := range list {
			ids = append(ids, d.Device)
		}
	}
	if len(ids) < 2 {
		return nil, fmt.Errorf("the peers list %d devices, want both", len(ids))
	}
	return ids, nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
