package replica

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/memberlist"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/wire"
)

// bulkEdit makes n changes on node n in transactions of 500.
func (n *node) bulkEdit(t testing.TB, prefix string, count int) {
	t.Helper()
	n.bulkEditSized(t, prefix, count, 0)
}

// bulkEditSized is bulkEdit with each change also carrying a note of pad bytes.
func (n *node) bulkEditSized(t testing.TB, prefix string, count, pad int) {
	t.Helper()
	note := strings.Repeat("n", pad)
	for i := 0; i < count; i += 500 {
		_, err := n.st.Update(context.Background(), "bulk", func(tx *store.Tx) error {
			for j := i; j < min(count, i+500); j++ {
				id := fmt.Sprintf("%s-%d", prefix, j%3000)
				rec, _ := tx.Get("ticket", id)
				op, _ := change.Set("title", fmt.Sprintf("%s %d", prefix, j), rec.Heads("title"))
				ops := []change.Op{op}
				if pad > 0 {
					op, _ := change.Set("note", note, rec.Heads("note"))
					ops = append(ops, op)
				}
				if _, err := tx.Write("ticket", id, ops); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestOfflineNodeCatchesUpAndPushesOut(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 11,000 changes")
	}
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	converge(t, 10*time.Second, nodes...)
	away := nodes[2]
	away.rep.Stop()
	away.rep = nil
	nodes[0].bulkEdit(t, "office", 10_000)
	away.bulkEdit(t, "field", 1_000)
	converge(t, 10*time.Second, nodes[0], nodes[1])
	away.start(t, tm)
	if _, err := away.rep.Join([]string{nodes[1].rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	took := converge(t, 60*time.Second, nodes...)
	t.Logf("after a week away: 10,000 changes in and 1,000 out, converged in %s", took)
	v, _ := nodes[0].st.Vector()
	mine, _ := away.st.Vector()
	if id := away.st.Device().ID; v[id] != mine[id] || mine[id] < 1_000 {
		t.Fatalf("office holds %d of the field device's %d changes", v[id], mine[id])
	}
}

func TestRandomPartitionsNeverDiverge(t *testing.T) {
	if testing.Short() {
		t.Skip("randomized cluster runs")
	}
	for run := range 3 {
		t.Run(fmt.Sprint("run ", run), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(run), 99))
			tm := newTeam(t)
			nodes := cluster(t, tm, 5)
			for range 6 {
				// Cut a random subset off, edit everywhere, heal.
				var cut []*node
				for _, n := range nodes[1:] {
					if rng.IntN(3) == 0 {
						n.rep.Stop()
						n.rep = nil
						cut = append(cut, n)
					}
				}
				for range 30 {
					n := nodes[rng.IntN(len(nodes))]
					switch rng.IntN(3) {
					case 0:
						n.edit(t, fmt.Sprint("t", rng.IntN(5)), "title", rng.IntN(1000))
					case 1:
						n.edit(t, fmt.Sprint("t", rng.IntN(5)), "status", []string{"new", "in_progress", "resolved"}[rng.IntN(3)])
					case 2:
						n.edit(t, fmt.Sprint("n", rng.IntN(50)), "note", rng.IntN(1000))
					}
				}
				for _, n := range cut {
					n.start(t, tm)
					if _, err := n.rep.Join([]string{nodes[0].rep.Addr()}); err != nil {
						t.Fatal(err)
					}
				}
			}
			converge(t, 30*time.Second, nodes...)
		})
	}
}

func TestRemovedDeviceIsRejectedByEveryPeer(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	lead, other, lost := nodes[0], nodes[1], nodes[2]
	lost.edit(t, "t1", "title", "before removal")
	converge(t, 10*time.Second, nodes...)
	have, _ := lead.st.Vector()
	_, err := lead.st.Update(context.Background(), "lead", func(tx *store.Tx) error {
		rec, err := tx.Get(store.KindDevice, lost.st.Device().ID)
		if err != nil {
			return err
		}
		del, _ := change.Set(change.FieldDeleted, true, rec.Heads(change.FieldDeleted))
		after, _ := change.Set(store.FieldRevokedAfter, have[lost.st.Device().ID], nil)
		_, err = tx.Write(store.KindDevice, lost.st.Device().ID, []change.Op{del, after})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	converge(t, 10*time.Second, lead, other)
	waitFor(t, 10*time.Second, func() bool {
		rec, err := other.st.Get(store.KindDevice, lost.st.Device().ID)
		return err == nil && rec.Deleted()
	})
	leadBefore, otherBefore := lead.rep.Stats().Rejected, other.rep.Stats().Rejected
	lost.edit(t, "t1", "title", "written by the stolen laptop")
	// The change reaches both peers, and each refuses it: wait for that, not a fixed time.
	waitFor(t, 10*time.Second, func() bool {
		return lead.rep.Stats().Rejected > leadBefore && other.rep.Stats().Rejected > otherBefore
	})
	for _, n := range []*node{lead, other} {
		rec, _ := n.st.Get("ticket", "t1")
		if rec.String("title") != "before removal" {
			t.Fatalf("a peer accepted a removed device's change: %q", rec.String("title"))
		}
	}
}

func TestHostileMessagesAreDropped(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 2)
	a, b := nodes[0], nodes[1]
	a.edit(t, "t1", "title", "genuine")
	converge(t, 10*time.Second, a, b)
	before := hash(t, b)

	// A change with a forged value, a garbled message and a message of an unknown type.
	cs, _ := a.st.ChangesAfter(store.Vector{}, 1<<20)
	forged := cs[len(cs)-1]
	forged.Seq++
	forged.Ops = []change.Op{{Op: change.OpSet, Field: "title", Value: []byte(`"forged"`)}}
	msg, _ := wire.Encode(wire.TypeChange, wire.Change{From: a.st.Device().ID, Change: forged})
	target := member(t, a, b.st.Device().ID)
	for _, m := range [][]byte{msg, []byte("\x01\x01{garbage"), {0xff, 1, 2, 3}, nil} {
		if err := a.rep.ml.SendReliable(target, m); err != nil && m != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 5*time.Second, func() bool {
		s := b.rep.Stats()
		return s.Dropped >= 2 && s.Rejected >= 1
	})
	if hash(t, b) != before {
		t.Fatal("hostile messages changed the store")
	}
	rec, _ := b.st.Get("ticket", "t1")
	if rec.String("title") != "genuine" {
		t.Fatalf("title = %q", rec.String("title"))
	}
	// Replication still works afterwards.
	a.edit(t, "t2", "title", "after the attack")
	converge(t, 10*time.Second, a, b)
}

func member(t testing.TB, from *node, name string) *memberlist.Node {
	t.Helper()
	for _, m := range from.rep.ml.Members() {
		if m.Name == name {
			return m
		}
	}
	t.Fatal(errors.New("not a member: " + name))
	return nil
}

func waitFor(t testing.TB, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCatchUpReportsProgressAndPeers(t *testing.T) {
	tm := newTeam(t)
	src := startNode(t, tm, "")
	src.bulkEditSized(t, "office", 3_000, 2_000) // more than one bulk chunk
	var mu sync.Mutex
	var seen []Progress
	dst := &node{dir: t.TempDir(), onProgress: func(p Progress) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
	}}
	var err error
	if dst.st, err = store.Open(context.Background(), store.Options{Dir: dst.dir, Logger: quiet()}); err != nil {
		t.Fatal(err)
	}
	if dst.id, err = age.GenerateX25519Identity(); err != nil {
		t.Fatal(err)
	}
	dst.start(t, tm)
	t.Cleanup(dst.stop)
	if _, err := dst.rep.Join([]string{src.rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	converge(t, 30*time.Second, src, dst)
	waitFor(t, 5*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) > 0 && seen[len(seen)-1].Done
	})
	mu.Lock()
	reports := append([]Progress(nil), seen...)
	mu.Unlock()
	v, _ := src.st.Vector()
	want := int(v[src.st.Device().ID]) // the source's own changes: all the destination lacked
	// Every report names the source and expects all it holds; each one received more
	// than the one before; only the last is done, with every change received.
	for i, p := range reports {
		last := i == len(reports)-1
		if p.Peer != src.st.Device().ID || p.Expected != want || p.Done != last ||
			i > 0 && p.Received <= reports[i-1].Received || last && p.Received != want {
			t.Fatalf("progress report %d of %d is %+v, want %d expected; all reports %+v", i+1, len(reports), p, want, reports)
		}
	}
	if len(reports) < 2 {
		t.Fatalf("progress reports %+v, want one per chunk of a %d-change catch-up", reports, want)
	}
	waitFor(t, 10*time.Second, func() bool {
		ps := dst.rep.Peers()
		return len(ps) == 1 && ps[0].Online && ps[0].Known && ps[0].Behind == 0 && ps[0].Ahead == 0 && ps[0].Name != ""
	})
	src.stop()
	waitFor(t, 10*time.Second, func() bool {
		ps := dst.rep.Peers()
		return len(ps) == 1 && !ps[0].Online && !ps[0].LastSeen.IsZero()
	})
}
