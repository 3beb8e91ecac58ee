package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/app/apptest"
	"outpost/backend/core/field"
	"outpost/backend/ticket"
	"outpost/sync/replica"
	"outpost/sync/team"
)

func openSyncApp(t *testing.T, dir, name string) *App {
	t.Helper()
	a, err := Open(context.Background(), Config{DataDir: dir, DeviceName: name,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Sync:   SyncConfig{BindAddr: "127.0.0.1", Port: apptest.FreePort(t), Preset: "local", NoDiscovery: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestTeamLifecycleRotateAndRemove(t *testing.T) {
	lead := openSyncApp(t, t.TempDir(), "lead-laptop")
	otherDir := t.TempDir()
	other := openSyncApp(t, otherDir, "field-laptop")
	if _, err := lead.Team.Create("Helpdesk"); err != nil {
		t.Fatal(err)
	}
	code, err := lead.Team.Invite()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Team.Join(code); err != nil {
		t.Fatal(err)
	}
	otherID := other.st.Device().ID
	apptest.Eventually(t, 10*time.Second, func() bool {
		ps, _ := lead.Team.Peers()
		return len(ps) == 1 && ps[0].Online && ps[0].Name == "field-laptop" && ps[0].Known
	})

	t.Run("bad peer address names the field", func(t *testing.T) {
		_, err := lead.Team.AddPeer("not an address")
		if fe, ok := field.As(err); !ok || fe.Field != "address" {
			t.Fatalf("AddPeer = %v, want a field error on address", err)
		}
	})
	t.Run("a device cannot remove itself", func(t *testing.T) {
		err := lead.Team.RemoveDevice(lead.st.Device().ID)
		if fe, ok := field.As(err); !ok || fe.Field != "device" {
			t.Fatalf("RemoveDevice(self) = %v", err)
		}
	})
	t.Run("rotation reaches the other device's team file", func(t *testing.T) {
		res, err := lead.Team.RotateKey()
		if err != nil || len(res.Unreachable) != 0 {
			t.Fatalf("RotateKey = %+v, %v", res, err)
		}
		apptest.Eventually(t, 10*time.Second, func() bool {
			tm, err := team.Load(otherDir)
			return err == nil && len(tm.Keys) == 2
		})
		if _, err := lead.Team.RotateKey(); !errors.Is(err, replica.ErrRotating) {
			t.Fatalf("second RotateKey during a rotation = %v", err)
		}
	})
	t.Run("removed device shows as removed", func(t *testing.T) {
		if err := lead.Team.RemoveDevice(otherID); err != nil {
			t.Fatal(err)
		}
		ps, _ := lead.Team.Peers()
		if len(ps) != 1 || !ps[0].Removed {
			t.Fatalf("peers after removal: %+v", ps)
		}
	})
}

func TestJoinRefusesTheTeamItIsInAndAnother(t *testing.T) {
	lead := openSyncApp(t, t.TempDir(), "lead-laptop")
	otherDir := t.TempDir()
	other := openSyncApp(t, otherDir, "field-laptop")
	stranger := openSyncApp(t, t.TempDir(), "other-team-laptop")
	if _, err := lead.Team.Create("Helpdesk"); err != nil {
		t.Fatal(err)
	}
	if _, err := stranger.Team.Create("Facilities"); err != nil {
		t.Fatal(err)
	}
	code, err := lead.Team.Invite()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Team.Join(code); err != nil {
		t.Fatal(err)
	}
	_, _ = other.Team.AddPeer("127.0.0.1:1") // nobody answers there, and it is remembered all the same
	before, _ := team.Load(otherDir)
	if !slices.Contains(before.Peers, "127.0.0.1:1") {
		t.Fatalf("saved peers %v", before.Peers)
	}
	if _, err := other.Team.Join(code); !errors.Is(err, ErrInTeam) || !strings.Contains(err.Error(), `for "Helpdesk", the team it is in`) {
		t.Fatalf("joining the team it is in = %v", err)
	}
	if after, _ := team.Load(otherDir); !slices.Equal(after.Peers, before.Peers) {
		t.Fatalf("a refused join changed the saved peers: %v -> %v", before.Peers, after.Peers)
	}
	if _, err := stranger.Team.Join(code); !errors.Is(err, ErrInTeam) || !strings.Contains(err.Error(), `this invite is for another team, "Helpdesk"`) {
		t.Fatalf("joining another team = %v", err)
	}
	// A saved address can be forgotten, once.
	if st, err := other.Team.ForgetPeer("127.0.0.1:1"); err != nil || slices.Contains(st.Known, "127.0.0.1:1") {
		t.Fatalf("ForgetPeer = %+v, %v", st.Known, err)
	}
	if tm, _ := team.Load(otherDir); slices.Contains(tm.Peers, "127.0.0.1:1") {
		t.Fatalf("the team file still holds the forgotten address: %v", tm.Peers)
	}
	if _, err := other.Team.ForgetPeer("127.0.0.1:1"); !apptest.IsField(err, "address") {
		t.Fatalf("forgetting it again = %v, want an address error", err)
	}
}

func TestLocalAddrsLeaveOutDocumentationRanges(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]bool{"192.0.2.2": true, "198.51.100.7": true, "203.0.113.9": true, "192.168.1.20": false, "10.0.0.5": false} {
		if got := documentation(net.ParseIP(ip)); got != want {
			t.Errorf("documentation(%s) = %v, want %v", ip, got, want)
		}
	}
}

func TestStateHashIsEqualOnceReplicasConverge(t *testing.T) {
	lead := openSyncApp(t, t.TempDir(), "lead-laptop")
	other := openSyncApp(t, t.TempDir(), "field-laptop")
	if _, err := lead.Team.Create("Helpdesk"); err != nil {
		t.Fatal(err)
	}
	if _, err := lead.Tickets.Create(ticket.NewTicket{Title: "Printer on floor 3 prints blank pages"}); err != nil {
		t.Fatal(err)
	}
	a, _ := lead.System.State()
	b, _ := other.System.State()
	if a.Hash == b.Hash || a.Changes == 0 {
		t.Fatalf("a replica with a ticket and an empty one: %+v, %+v", a, b)
	}
	code, err := lead.Team.Invite()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Team.Join(code); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 15*time.Second, func() bool {
		a, _ := lead.System.State()
		b, _ := other.System.State()
		return a.Hash == b.Hash && a.Changes == b.Changes
	})
}
