package replica

import (
	"context"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// mergeForeignDevice gives n the changes of a device that never ran a replica, as
// generated demo data or a merged backup of another device arrive: its registration
// and one ticket, folded into n's store.
func mergeForeignDevice(t *testing.T, n *node, name string) string {
	t.Helper()
	src, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), DeviceName: name, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	_, err = src.Update(context.Background(), name, func(tx *store.Tx) error {
		op, err := change.Set("title", "Printer on floor 2 jams", nil)
		if err != nil {
			return err
		}
		_, err = tx.Write("ticket", "demo-1", []change.Op{op})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := src.ChangesAfter(store.Vector{}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := n.st.Apply(cs); err != nil || res.Applied != len(cs) {
		t.Fatalf("merge %d changes: %+v, %v", len(cs), res, err)
	}
	return src.Device().ID
}

// TestPeersListsOnlyTeamDevices: a device whose changes a replica holds but that
// never took part in the team (the author of demo data) is no peer, on the device
// that merged it or on one that received it by sync; the devices of the team are.
func TestPeersListsOnlyTeamDevices(t *testing.T) {
	tm := newTeam(t)
	a := startNode(t, tm, "")
	demo := mergeForeignDevice(t, a, "Demo data")
	b := startNode(t, tm, "")
	if _, err := b.rep.Join([]string{a.rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	converge(t, 10*time.Second, a, b)
	if _, err := b.st.Get("ticket", "demo-1"); err != nil {
		t.Fatalf("the demo ticket did not reach the second device: %v", err)
	}
	for _, tc := range []struct {
		name     string
		on, peer *node
	}{{"device that merged it", a, b}, {"device that synced it", b, a}} {
		t.Run(tc.name, func(t *testing.T) {
			waitFor(t, 10*time.Second, func() bool {
				ps := tc.on.rep.Peers()
				return len(ps) == 1 && ps[0].Online
			})
			for _, p := range tc.on.rep.Peers() {
				if p.Device == demo || p.Device != tc.peer.st.Device().ID {
					t.Fatalf("peers %+v, want only %s", tc.on.rep.Peers(), tc.peer.st.Device().ID)
				}
			}
		})
	}
	// A team device stays listed while offline, also once this replica restarts and has
	// not heard from it since: it took part in the team.
	bID := b.st.Device().ID
	b.stop()
	a.rep.Stop()
	a.start(t, tm)
	if ps := a.rep.Peers(); len(ps) != 1 || ps[0].Device != bID || ps[0].Online {
		t.Fatalf("peers after a restart with the other device away: %+v, want it alone and offline", ps)
	}
}
