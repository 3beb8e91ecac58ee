package replica

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"testing"
	"time"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/team"
)

type node struct {
	dir string
	st  *store.Store
	rep *Replica
	id  *age.X25519Identity // survives restarts, as team.LoadDeviceIdentity's does

	onProgress func(Progress)
	log        *slog.Logger  // the replica's logger; quiet() when nil
	tune       func(*Config) // adjusts the replica's configuration before it starts; may be nil
}

func quiet() *slog.Logger {
	if os.Getenv("OUTPOST_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newTeam(t testing.TB) team.Team {
	tm, err := team.New("Test team")
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// startNode opens a store in dir (new when dir is "") and starts a replica on a free loopback port.
func startNode(t testing.TB, tm team.Team, dir string) *node {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	n := &node{dir: dir, st: st, id: id}
	n.start(t, tm)
	t.Cleanup(func() { n.stop() })
	return n
}

func (n *node) start(t testing.TB, tm team.Team) {
	t.Helper()
	log := n.log
	if log == nil {
		log = quiet()
	}
	cfg := Config{
		Store: n.st, Team: tm, Logger: log, ReconnectEvery: 500 * time.Millisecond, Identity: n.id,
		SwitchKeyAfter: 2 * time.Second, RetireKeyAfter: 3 * time.Second, OnProgress: n.onProgress,
		Gossip: gossip.Options{BindAddr: "127.0.0.1", BindPort: 0, Preset: "local"},
	}
	if n.tune != nil {
		n.tune(&cfg)
	}
	rep, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.rep = rep
}

func (n *node) stop() {
	if n.rep != nil {
		n.rep.Stop()
		n.rep = nil
	}
	if n.st != nil {
		n.st.Close()
		n.st = nil
	}
}

func (n *node) edit(t testing.TB, entity, fieldName string, v any) {
	t.Helper()
	_, err := n.st.Update(context.Background(), n.st.Device().Name, func(tx *store.Tx) error {
		rec, _ := tx.Get("ticket", entity)
		op, err := change.Set(fieldName, v, rec.Heads(fieldName))
		if err != nil {
			return err
		}
		_, err = tx.Write("ticket", entity, []change.Op{op})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func hash(t testing.TB, n *node) string {
	h, err := n.st.StateHash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sameVectors reports whether every node holds the same version vector: a cheap
// test that spares hashing every record while a catch-up is still under way.
func sameVectors(t testing.TB, nodes []*node) bool {
	var first store.Vector
	for i, n := range nodes {
		v, err := n.st.Vector()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = v
		} else if !maps.Equal(first, v) {
			return false
		}
	}
	return true
}

// converge waits until every node has the same version vector and state hash.
func converge(t testing.TB, within time.Duration, nodes ...*node) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if sameVectors(t, nodes) {
			hs := map[string]bool{}
			for _, n := range nodes {
				hs[hash(t, n)] = true
			}
			if len(hs) == 1 {
				return time.Since(start)
			}
		}
		if time.Since(start) > within {
			for i, n := range nodes {
				v, _ := n.st.Vector()
				t.Logf("node %d vector %v stats %+v", i, v, n.rep.Stats())
			}
			t.Fatalf("%d nodes did not converge within %s", len(nodes), within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func cluster(t testing.TB, tm team.Team, size int) []*node {
	t.Helper()
	nodes := []*node{startNode(t, tm, "")}
	for i := 1; i < size; i++ {
		n := startNode(t, tm, "")
		if _, err := n.rep.Join([]string{nodes[0].rep.Addr()}); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	return nodes
}

func TestFiveNodesConverge(t *testing.T) {
	tm := newTeam(t)
	// Each node edits before it joins the others, so the edits are concurrent however
	// fast the machine delivers a live change.
	var nodes []*node
	for i := range 5 {
		n := startNode(t, tm, "")
		for j := range 5 {
			n.edit(t, fmt.Sprintf("t%d", j), "title", fmt.Sprintf("node %d edit %d", i, j))
		}
		nodes = append(nodes, n)
	}
	for _, n := range nodes[1:] {
		if _, err := n.rep.Join([]string{nodes[0].rep.Addr()}); err != nil {
			t.Fatal(err)
		}
	}
	took := converge(t, 15*time.Second, nodes...)
	t.Logf("5 nodes converged %s after 25 concurrent edits", took)
	rec, err := nodes[3].st.Get("ticket", "t0")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Fields["title"].Heads) < 2 {
		t.Fatalf("concurrent edits of t0 not flagged: heads %v", rec.Fields["title"].Heads)
	}
}

func TestPartitionHealsWithoutLosingEdits(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	nodes[0].edit(t, "t1", "title", "before the partition")
	converge(t, 10*time.Second, nodes...)

	// Cut node 2 off: its gossip stops, its store stays.
	cut := nodes[2]
	cut.rep.Stop()
	cut.rep = nil
	nodes[0].edit(t, "t1", "title", "edited on the connected side")
	nodes[1].edit(t, "t2", "status", "in_progress")
	cut.edit(t, "t1", "title", "edited offline")
	cut.edit(t, "t3", "title", "created offline")
	for i := range 50 {
		cut.edit(t, "offline", "note", i)
	}
	cut.start(t, tm)
	if _, err := cut.rep.Join([]string{nodes[0].rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	took := converge(t, 15*time.Second, nodes...)
	t.Logf("healed partition converged in %s", took)
	rec, _ := nodes[0].st.Get("ticket", "t1")
	if len(rec.Fields["title"].Conflict) != 1 {
		t.Fatalf("concurrent title edits across the partition not flagged: %+v", rec.Fields["title"])
	}
	for _, id := range []string{"t2", "t3", "offline"} {
		if _, err := nodes[0].st.Get("ticket", id); err != nil {
			t.Fatalf("edit to %s lost: %v", id, err)
		}
	}
}

func TestWrongTeamKeyCannotJoin(t *testing.T) {
	tm := newTeam(t)
	a := startNode(t, tm, "")
	a.edit(t, "secret", "title", "payroll server password reset")
	other := tm
	key, _ := team.NewKey()
	other.Keys = [][]byte{key}
	b := startNode(t, other, "")
	if _, err := b.rep.Join([]string{a.rep.Addr()}); err == nil {
		t.Fatal("a node with the wrong key joined")
	}
	time.Sleep(500 * time.Millisecond)
	if _, err := b.st.Get("ticket", "secret"); err == nil {
		t.Fatal("a node with the wrong key received data")
	}
	if n := a.rep.ml.NumMembers(); n != 1 {
		t.Fatalf("team has %d members, want 1", n)
	}
}

// TestPeersBehindFollowsLiveChanges: once the others hold this device's new changes, the
// Peers view stops saying they are behind well before the next push/pull (5 s here).
func TestPeersBehindFollowsLiveChanges(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	converge(t, 15*time.Second, nodes...)
	deadline := time.Now().Add(10 * time.Second)
	for !knowsAll(nodes[0]) {
		if time.Now().After(deadline) {
			t.Fatalf("peers' vectors never known: %+v", nodes[0].rep.Peers())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for j := range 20 {
		nodes[0].edit(t, fmt.Sprintf("b%d", j), "title", fmt.Sprintf("edit %d", j))
	}
	converge(t, 10*time.Second, nodes...)
	within := time.Now().Add(2 * time.Second)
	for {
		behind := uint64(0)
		for _, p := range nodes[0].rep.Peers() {
			behind += p.Behind
		}
		if behind == 0 {
			return
		}
		if time.Now().After(within) {
			t.Fatalf("2 s after the others hold every change the Peers view still says %d behind: %+v", behind, nodes[0].rep.Peers())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func knowsAll(n *node) bool {
	ps := n.rep.Peers()
	for _, p := range ps {
		if !p.Known {
			return false
		}
	}
	return len(ps) >= 2
}
