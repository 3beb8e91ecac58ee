package replica

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
	"outpost/backend/core/store"
	"outpost/sync/team"
	"outpost/sync/wire"
)

// warnCounter is a log handler that counts warnings and errors.
type warnCounter struct{ n atomic.Int64 }

func (h *warnCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *warnCounter) Handle(context.Context, slog.Record) error    { h.n.Add(1); return nil }
func (h *warnCounter) WithAttrs([]slog.Attr) slog.Handler           { return h }
func (h *warnCounter) WithGroup(string) slog.Handler                { return h }

// skewedClock is a wall clock set off from the real one by an offset a test can move.
type skewedClock struct{ off atomic.Int64 }

func (c *skewedClock) now() time.Time { return time.Now().Add(time.Duration(c.off.Load())) }

// startClocked starts a node whose store reads the wall clock from now and whose
// replica logs to log.
func startClocked(t testing.TB, tm team.Team, now func() time.Time, log *slog.Logger) *node {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), Logger: quiet(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	n := &node{st: st, id: id, log: log}
	n.start(t, tm)
	t.Cleanup(func() { n.stop() })
	return n
}

// TestClockAheadIsNotPulledAgainAndAgain: a device whose clock runs 2 h ahead stamps
// changes the others refuse as too far in the future. The others remember what they
// refused and do not pull it again while their clock still refuses it: refusals,
// warnings and pulls stay bounded, and their own changes still flow between them.
// Once their clocks have caught up, the refused changes are taken.
func TestClockAheadIsNotPulledAgainAndAgain(t *testing.T) {
	tm := newTeam(t)
	future := &skewedClock{}
	future.off.Store(int64(2 * time.Hour))
	ahead := startClocked(t, tm, future.now, nil)
	var clocks [2]skewedClock
	var warns [2]warnCounter
	var others [2]*node
	for i := range others {
		others[i] = startClocked(t, tm, clocks[i].now, slog.New(&warns[i]))
		if _, err := others[i].rep.Join([]string{ahead.rep.Addr()}); err != nil {
			t.Fatal(err)
		}
	}
	b, c := others[0], others[1]
	waitFor(t, 10*time.Second, func() bool { return b.rep.ml.NumMembers() == 3 && c.rep.ml.NumMembers() == 3 })
	const edits = 30
	for i := range edits {
		ahead.edit(t, fmt.Sprint("t", i), "title", fmt.Sprint("written 2 h ahead ", i))
	}
	b.edit(t, "mine", "title", "written on time")
	waitFor(t, 10*time.Second, func() bool {
		rec, err := c.st.Get("ticket", "mine")
		return err == nil && rec.String("title") == "written on time"
	})
	aheadID := ahead.st.Device().ID
	held, err := ahead.st.Vector()
	if err != nil {
		t.Fatal(err)
	}
	changes := int(held[aheadID])
	time.Sleep(6 * time.Second)
	for i, n := range others {
		s := n.rep.Stats()
		v, _ := n.st.Vector()
		t.Logf("node %d: %d warnings, stats %+v, holds %d of the ahead device's %d changes",
			i, warns[i].n.Load(), s, v[aheadID], changes)
		if v[aheadID] != 0 {
			t.Fatalf("node %d took changes stamped 2 h ahead: %d", i, v[aheadID])
		}
		if s.Rejected > 3*changes {
			t.Errorf("node %d refused %d changes over and over (the ahead device made %d)", i, s.Rejected, changes)
		}
		if w := warns[i].n.Load(); w > 10 {
			t.Errorf("node %d logged %d warnings in 6 s", i, w)
		}
		if s.PullsSent > 20 {
			t.Errorf("node %d sent %d pulls in 6 s", i, s.PullsSent)
		}
	}
	if t.Failed() {
		return
	}
	// The others' clocks catch up: what they refused is acceptable now, and taken.
	for i := range clocks {
		clocks[i].off.Store(int64(2 * time.Hour))
	}
	converge(t, 20*time.Second, ahead, b, c)
}

// TestForgedFutureChangeDoesNotSilenceADevice: a member sends a change it forged in
// another device's name, stamped 2 h ahead. It is refused, but the replica does not
// stop asking for that device's changes: its genuine next change arrives at once.
func TestForgedFutureChangeDoesNotSilenceADevice(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	a, b, x := nodes[0], nodes[1], nodes[2]
	a.edit(t, "t1", "title", "genuine")
	converge(t, 10*time.Second, a, b, x)
	cs, _ := a.st.ChangesAfter(store.Vector{a.st.Device().ID: 0}, 1<<20)
	var forged change.Change
	for _, c := range cs {
		if c.Device == a.st.Device().ID {
			forged = c
		}
	}
	forged.Seq++
	forged.HLC = hlc.FromTime(time.Now().Add(2 * time.Hour))
	msg, _ := wire.Encode(wire.TypeChange, wire.Change{Change: forged})
	if err := x.rep.ml.SendReliable(member(t, x, b.st.Device().ID), msg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return b.rep.Stats().Rejected > 0 })
	a.edit(t, "t2", "title", "genuine, after the forgery")
	waitFor(t, 5*time.Second, func() bool {
		rec, err := b.st.Get("ticket", "t2")
		return err == nil && rec.String("title") == "genuine, after the forgery"
	})
}
