package replica

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/sync/wire"
)

// TestPeerSendingBadMessagesIsMuted: a member that keeps sending malformed messages
// is muted after MuteAfter of them: its further messages are dropped unread, the muting is logged once with its
// address and the device it claims, and counted.
func TestPeerSendingBadMessagesIsMuted(t *testing.T) {
	tm := newTeam(t)
	a := startNode(t, tm, "")
	var logs syncBuffer
	b := &node{dir: t.TempDir(), log: slog.New(slog.NewTextHandler(&logs, nil)), tune: func(c *Config) {
		c.MuteAfter, c.MuteWindow, c.MuteFor = 5, 10*time.Second, 3*time.Second
	}}
	st, err := store.Open(t.Context(), store.Options{Dir: b.dir, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	b.st = st
	b.start(t, tm)
	t.Cleanup(b.stop)
	if _, err := b.rep.Join([]string{a.rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	a.edit(t, "t1", "title", "genuine")
	converge(t, 10*time.Second, a, b)

	// Messages that claim to come from a's device and do not decode: a vector naming a
	// device no device can be called. Each counts, however many arrive in one batch.
	msg := append([]byte{byte(wire.TypeState), wire.Version}, `{"from":"`+a.st.Device().ID+`","vector":{"a b":1}}`...)
	target := member(t, a, b.st.Device().ID)
	send := func(n int) {
		for range n {
			if err := a.rep.ml.SendReliable(target, msg); err != nil {
				t.Fatal(err)
			}
		}
	}
	send(5)
	waitFor(t, 5*time.Second, func() bool { return b.rep.Stats().Mutes == 1 })
	dropped := b.rep.Stats().Dropped
	send(5)
	waitFor(t, 5*time.Second, func() bool { return b.rep.Stats().Muted >= 5 })
	if s := b.rep.Stats(); s.Dropped != dropped || s.Mutes != 1 {
		t.Fatalf("a muted peer's messages were still read: dropped %d -> %d, mutes %d", dropped, s.Dropped, s.Mutes)
	}
	out := logs.String()
	if n := strings.Count(out, "muted a peer"); n != 1 {
		t.Fatalf("the muting was logged %d times, want once:\n%s", n, out)
	}
	for _, want := range []string{"addr=" + a.rep.Addr(), "device=" + a.st.Device().ID} {
		if !strings.Contains(out, want) {
			t.Fatalf("the muting log does not name %q:\n%s", want, out)
		}
	}
	converge(t, 15*time.Second, a, b)
	if rec, _ := b.st.Get("ticket", "t1"); rec.String("title") != "genuine" {
		t.Fatalf("title = %q", rec.String("title"))
	}
}

// TestAMemberForgingAnothersNameCannotCutItOff: an insider sends bad messages in a's
// name until b mutes "a"; a's changes still reach b, by anti-entropy, long before the
// muting runs out: a muting slows a device's live traffic, never cuts it off.
func TestAMemberForgingAnothersNameCannotCutItOff(t *testing.T) {
	tm := newTeam(t)
	a, insider := startNode(t, tm, ""), startNode(t, tm, "")
	b := &node{dir: t.TempDir(), tune: func(c *Config) {
		c.MuteAfter, c.MuteWindow, c.MuteFor = 5, 10*time.Second, time.Minute
	}}
	st, err := store.Open(t.Context(), store.Options{Dir: b.dir, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	b.st = st
	b.start(t, tm)
	t.Cleanup(b.stop)
	for _, n := range []*node{a, insider} {
		if _, err := b.rep.Join([]string{n.rep.Addr()}); err != nil {
			t.Fatal(err)
		}
	}
	a.edit(t, "t1", "title", "before")
	converge(t, 10*time.Second, a, b)
	forged := append([]byte{byte(wire.TypeState), wire.Version}, `{"from":"`+a.st.Device().ID+`","vector":{"a b":1}}`...)
	target := member(t, insider, b.st.Device().ID)
	for range 10 {
		if err := insider.rep.ml.SendReliable(target, forged); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 5*time.Second, func() bool { return b.rep.Stats().Mutes == 1 })
	insider.stop() // from now on only a holds what a writes
	a.edit(t, "t2", "title", "made while muted")
	waitFor(t, 20*time.Second, func() bool {
		rec, err := b.st.Get("ticket", "t2")
		return err == nil && rec.String("title") == "made while muted"
	})
}
