package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"outpost/app/apptest/peer"
)

// diskResult is what a peer whose disk filled up did.
type diskResult struct {
	skipped        string // why the fault was not run
	acked, lost    int
	refusal        string // the API's answer once the disk was full
	alive, resumed bool   // the process still ran when full; writes worked again after space returned
}

// runDisk puts one peer's data directory on a small file system (a tmpfs of 150 MB,
// which needs root) and writes tickets with 20 KB descriptions until the peer refuses
// one; the peer must refuse in words and stay up, take writes again once the file
// system grows, and still hold every acknowledged write after a restart.
func runDisk(bin, root string) (diskResult, error) {
	var res diskResult
	if os.Geteuid() != 0 {
		res.skipped = "mounting a small file system needs root"
		return res, nil
	}
	mnt := filepath.Join(root, "small-disk")
	if err := os.MkdirAll(mnt, 0o700); err != nil {
		return res, err
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=150m", "tmpfs", mnt).CombinedOutput(); err != nil {
		res.skipped = fmt.Sprintf("cannot mount a tmpfs here: %v %s", err, strings.TrimSpace(string(out)))
		return res, nil
	}
	defer exec.Command("umount", "-l", mnt).Run()
	p, err := peer.New(bin, mnt, "disk-1")
	if err != nil {
		return res, err
	}
	if err := p.Start(); err != nil {
		return res, err
	}
	defer p.Stop()
	var acked []string
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20_000; i++ {
		id, err := bigTicket(p, rng, i)
		if err != nil {
			res.refusal = err.Error()
			break
		}
		acked = append(acked, id)
	}
	res.acked = len(acked)
	var st struct{}
	res.alive = p.Call(context.Background(), "SystemService/State", &st) == nil
	if out, err := exec.Command("mount", "-o", "remount,size=400m", mnt).CombinedOutput(); err != nil {
		return res, fmt.Errorf("grow the tmpfs: %v %s", err, out)
	}
	if id, err := bigTicket(p, rng, -1); err == nil {
		res.resumed = true
		acked = append(acked, id)
	}
	p.Stop()
	if err := p.Start(); err != nil {
		return res, fmt.Errorf("restart after the disk filled: %w", err)
	}
	acks := map[string]bool{}
	for _, id := range acked {
		acks[id] = true
	}
	res.lost = missing([]*peer.Peer{p}, acks)
	return res, nil
}

func bigTicket(p *peer.Peer, rng *rand.Rand, i int) (string, error) {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
	b := make([]byte, 20_000)
	for k := range b {
		b[k] = letters[rng.Intn(len(letters))]
	}
	var t struct {
		ID string `json:"id"`
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := p.Call(ctx, "TicketService/Create", &t, map[string]any{"title": fmt.Sprintf("Disk filler %d", i), "description": string(b)})
	return t.ID, err
}

func (r diskResult) print() {
	if r.skipped != "" {
		fmt.Printf("chaos: disk full: skipped (%s)\n", r.skipped)
		return
	}
	fmt.Printf("chaos: disk full: %d writes acknowledged before the refusal %q; the peer stayed up: %v; took writes again once space returned: %v; lost after a restart %d\n",
		r.acked, r.refusal, r.alive, r.resumed, r.lost)
}

func (r diskResult) ok() bool {
	return r.skipped != "" || r.lost == 0 && r.alive && r.resumed && strings.Contains(r.refusal, "507") && strings.Contains(r.refusal, "nearly full")
}
