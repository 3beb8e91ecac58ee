package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"outpost/app/apptest/peer"
	"path/filepath"
	"time"
)

// cliBinary builds the headless binary the end-to-end scenarios run as real processes,
// unless prebuilt names one (to compare two builds under the same load).
func cliBinary(root string) (string, error) {
	if prebuilt != "" {
		return prebuilt, nil
	}
	bin, err := filepath.Abs(filepath.Join(root, "outpost-cli"))
	if err != nil {
		return "", err
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	return bin, build.Run()
}

// prebuilt is the -cli flag: a headless binary to run instead of building this tree.
var prebuilt string

// peerState is what SystemService/State answers.
type peerState struct {
	Hash    string `json:"hash"`
	Changes uint64 `json:"changes"`
}

// join measures a new laptop joining a team: A imports an n-row Jira Service Management
// export (tickets with comments and history) with `outpost import`, creates a team,
// prints an invite and serves; B joins with the invite and serves. The figure is the
// time from B's `team join` until B's API reports every ticket and B's state hash
// equals A's, with the bytes B received. With profile set, both serving processes
// write CPU and allocation profiles beside the data.
func (r *Report) join(ctx context.Context, root string, n int, profile bool) {
	bin, err := cliBinary(root)
	if err != nil {
		r.add(Figure{Name: "join", Note: "skipped: go build: " + err.Error()})
		return
	}
	work := filepath.Join(root, "join")
	os.RemoveAll(work)
	defer os.RemoveAll(work)
	if profile { // B's log, with the debug lines of each chunk it applies, stays beside the profiles
		defer os.Rename(filepath.Join(work, "bench-b.log"), filepath.Join(root, "join-b.log"))
	}
	file := filepath.Join(root, fmt.Sprintf("import-jsm-%dk.csv", n/1000))
	if _, err := writeExport(file, "jsm", n); err != nil {
		fail(err)
	}
	a, _ := peer.New(bin, work, "bench-a")
	b, _ := peer.New(bin, work, "bench-b")
	a.Env, b.Env = []string{"GOMAXPROCS=2"}, []string{"GOMAXPROCS=2"}
	if profile {
		a.Env = append(a.Env, profileEnv(root, "join-a")...)
		b.Env = append(b.Env, profileEnv(root, "join-b")...)
		b.Env = append(b.Env, "OUTPOST_TRACE="+filepath.Join(root, "join-b.trace"))
		b.Extra = []string{"--verbose"}
	}
	defer a.Stop()
	defer b.Stop()
	if _, err := a.CLI("import", file); err != nil {
		fail(err)
	}
	if _, err := a.CLI("team", "create", "Bench"); err != nil {
		fail(err)
	}
	code, err := a.CLI("team", "invite")
	if err != nil {
		fail(err)
	}
	if err := a.Start(); err != nil {
		fail(err)
	}
	// A team's device has long built what it derives from its records; A's first start
	// after the import builds its search index now. B joins once that is done, so that
	// the figure is the join's own and not the two processes sharing the 2 cores.
	settled, err := waitSearchReady(ctx, a, 5*time.Minute)
	if err != nil {
		fail(err)
	}
	r.add(Figure{Name: "join: A's first start after the import until its search index is ready (before B joins)", Value: settled.Seconds(), Unit: "s"})
	began := time.Now()
	if _, err := b.CLI("team", "join", code); err != nil {
		fail(err)
	}
	if err := b.Start(); err != nil {
		fail(err)
	}
	took, tickets, err := waitJoined(ctx, b, a, n, began, 10*time.Minute)
	var held peerState
	_ = a.Call(ctx, "SystemService/State", &held)
	label := fmt.Sprintf("join: a new device catches up with %dk imported tickets (%d changes) until its state hash equals the source's, 2 cores", n/1000, held.Changes)
	if err != nil {
		r.add(Figure{Name: label, Note: "failed: " + err.Error()})
		return
	}
	r.add(Figure{Name: label, Value: took.Seconds(), Unit: "s", Goal: "< 5",
		Note: fmt.Sprintf("%d tickets in B's queue at %.1f s", n, tickets.Seconds())})
	r.add(Figure{Name: "join: B's queue holds every ticket", Value: tickets.Seconds(), Unit: "s"})
	if b.Running() {
		r.add(Figure{Name: "join: B's peak RSS", Value: peakRSS(b.PID()), Unit: "MB", Note: "VmHWM"})
	}
	var st struct {
		Stats struct {
			BytesIn int64 `json:"bytesIn"`
		} `json:"stats"`
	}
	if err := b.Call(ctx, "TeamService/Status", &st); err == nil {
		r.add(Figure{Name: "join: bytes B received from A (replication messages)", Value: float64(st.Stats.BytesIn) / (1 << 20), Unit: "MB"})
	}
}

// waitJoined polls p until its queue holds n tickets (the first duration) and its state
// equals src's (the second), both counted from began. It asks for the state hashes (which
// read every record) only once p says it lacks nothing its peers hold; src by then holds
// p's own first changes too (its device record), so both are asked each time.
func waitJoined(ctx context.Context, p, src *peer.Peer, n int, began time.Time, within time.Duration) (time.Duration, time.Duration, error) {
	deadline := began.Add(within)
	var tickets time.Duration
	for time.Now().Before(deadline) {
		if tickets == 0 {
			var q struct {
				Total int `json:"total"`
			}
			if p.Call(ctx, "TicketService/Queue", &q, map[string]any{"includeClosed": true, "limit": 1}) == nil && q.Total >= n {
				tickets = time.Since(began)
			}
		}
		if tickets != 0 && caughtUp(ctx, p) {
			at := time.Since(began) // the hashes below check this moment; their own reading is not counted
			var st, want peerState
			theirs := make(chan error, 1)
			go func() { theirs <- src.Call(ctx, "SystemService/State", &want) }()
			if p.Call(ctx, "SystemService/State", &st) == nil && <-theirs == nil && st.Hash == want.Hash {
				return at, tickets, nil
			}
		}
		time.Sleep(250 * time.Millisecond) // the queue question costs B tens of ms at 100k: ask it seldom
	}
	return 0, 0, fmt.Errorf("not caught up within %s", within)
}

// waitSearchReady polls p's search status until its index is ready, and says how long that took.
func waitSearchReady(ctx context.Context, p *peer.Peer, within time.Duration) (time.Duration, error) {
	began := time.Now()
	for time.Since(began) < within {
		var st struct {
			Ready bool `json:"ready"`
		}
		if p.Call(ctx, "SearchService/Status", &st) == nil && st.Ready {
			return time.Since(began), nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return 0, fmt.Errorf("search index not ready within %s", within)
}

// caughtUp reports whether p knows a peer's vector and lacks none of its changes.
func caughtUp(ctx context.Context, p *peer.Peer) bool {
	var peers []struct {
		Known bool   `json:"known"`
		Ahead uint64 `json:"ahead"`
	}
	if p.Call(ctx, "TeamService/Peers", &peers) != nil {
		return false
	}
	known := false
	for _, q := range peers {
		if q.Known && q.Ahead > 0 {
			return false
		}
		known = known || q.Known
	}
	return known
}

func profileEnv(root, name string) []string {
	return []string{"OUTPOST_CPUPROFILE=" + filepath.Join(root, name+".cpu.pprof"),
		"OUTPOST_MEMPROFILE=" + filepath.Join(root, name+".alloc.pprof")}
}
