package replica

import (
	"context"
	"fmt"
	"outpost/backend/core/store"
	"testing"
	"time"
)

// keysSettled waits until every node encrypts with the same single key, other than old.
func keysSettled(t *testing.T, within time.Duration, old string, nodes ...*node) string {
	t.Helper()
	var id string
	waitFor(t, within, func() bool {
		ids := map[string]bool{}
		for _, n := range nodes {
			ks := n.rep.KeyState()
			if ks.Keys != 1 || ks.PrimaryID == old {
				return false
			}
			ids[ks.PrimaryID] = true
			id = ks.PrimaryID
		}
		return len(ids) == 1
	})
	return id
}

func TestKeyRotationKeepsPeersTalking(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	converge(t, 10*time.Second, nodes...)
	away := nodes[2]
	away.rep.Stop() // offline through the whole rotation
	away.rep = nil
	live := nodes[:2]
	old := live[0].rep.KeyState().PrimaryID
	missing, err := live[1].rep.RotateKey(context.Background(), "lead")
	if err != nil || len(missing) != 0 {
		t.Fatalf("RotateKey = %v, %v", missing, err)
	}
	if _, err := live[0].rep.RotateKey(context.Background(), "lead"); err == nil {
		waitFor(t, 5*time.Second, func() bool { return live[0].rep.KeyState().Keys > 1 })
	}
	// Through install, switch and retire, every edit still reaches the other side quickly.
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		live[i%2].edit(t, "t1", "title", fmt.Sprint("during rotation ", i))
		converge(t, 3*time.Second, live...)
	}
	keysSettled(t, 15*time.Second, old, live...)
	live[0].edit(t, "t2", "title", "after the rotation")
	converge(t, 5*time.Second, live...)

	// The device that slept through it cannot rejoin with the old key, and is told why.
	away.start(t, tm)
	if _, err := away.rep.Join([]string{live[0].rep.Addr()}); err == nil {
		t.Fatal("a device with a retired key joined")
	}
	waitFor(t, 5*time.Second, func() bool { return away.rep.KeyState().Stale })
	if away.rep.KeyState().Message != KeyStaleMessage {
		t.Fatalf("stale-key message = %q", away.rep.KeyState().Message)
	}
	if _, err := away.st.Get("ticket", "t2"); err == nil {
		t.Fatal("a device with a retired key received data")
	}
}

func TestRemovedDeviceIsShutOutByRotation(t *testing.T) {
	tm := newTeam(t)
	nodes := cluster(t, tm, 3)
	lead, other, lost := nodes[0], nodes[1], nodes[2]
	converge(t, 10*time.Second, nodes...)
	lostID := lost.st.Device().ID
	if err := lead.rep.RemoveDevice(context.Background(), "lead", lostID); err != nil {
		t.Fatal(err)
	}
	if err := lead.rep.RemoveDevice(context.Background(), "lead", lostID); err == nil {
		t.Fatal("removed a device twice")
	}
	if err := lead.rep.RemoveDevice(context.Background(), "lead", lead.st.Device().ID); err == nil {
		t.Fatal("a device removed itself")
	}
	waitFor(t, 10*time.Second, func() bool { return other.rep.isRemoved(lostID) })
	old := lead.rep.KeyState().PrimaryID
	if _, err := lead.rep.RotateKey(context.Background(), "lead"); err != nil {
		t.Fatal(err)
	}
	keysSettled(t, 15*time.Second, old, lead, other)
	if ks := lost.rep.KeyState(); ks.PrimaryID == lead.rep.KeyState().PrimaryID {
		t.Fatal("the removed device obtained the new key")
	}
	// Out of the gossip: no peer keeps it as a member, and its edits reach nobody.
	waitFor(t, 20*time.Second, func() bool {
		return !lead.rep.isMember(lostID) && !other.rep.isMember(lostID)
	})
	lost.edit(t, "t9", "title", "written on the stolen laptop")
	other.edit(t, "t8", "title", "written after the rotation")
	converge(t, 5*time.Second, lead, other)
	time.Sleep(time.Second)
	if _, err := lead.st.Get("ticket", "t9"); err == nil {
		t.Fatal("the removed device's edit reached the team")
	}
	if _, err := lost.st.Get("ticket", "t8"); err == nil {
		t.Fatal("the removed device received an edit made after the rotation")
	}
	for _, p := range lead.rep.Peers() {
		if p.Device == lostID && (!p.Removed || p.Online) {
			t.Fatalf("peers view shows the removed device as %+v", p)
		}
	}
}

// A device that tries to join a device of another team is told so, not that its key
// is out of date: both are refused alike by memberlist, and the probe tells them apart.
func TestJoiningAnotherTeamIsToldSo(t *testing.T) {
	t.Parallel()
	ours := startNode(t, newTeam(t), "")
	theirs := startNode(t, newTeam(t), "")
	addr := ours.rep.Addr()
	if _, err := theirs.rep.Join([]string{addr}); err == nil {
		t.Fatal("a device of another team joined")
	}
	ks := theirs.rep.KeyState()
	if !ks.OtherTeam || ks.Stale || ks.Message != fmt.Sprintf(OtherTeamMessage, addr) {
		t.Fatalf("key state after joining another team's device = %+v", ks)
	}
	if _, err := theirs.st.Get(store.KindDevice, ours.st.Device().ID); err == nil {
		t.Fatal("a device of another team received data")
	}
}
