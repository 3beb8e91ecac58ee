package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"outpost/app"
	"outpost/app/apptest"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/team"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// The command line refuses to change the team file while Outpost holds the directory.
func TestTeamLeaveIsRefusedWhileTheAppRuns(t *testing.T) {
	dir := t.TempDir()
	sc := app.SyncConfig{BindAddr: "127.0.0.1", Port: apptest.FreePort(t), Preset: "local", NoDiscovery: true}
	if code := teamCommand([]string{"create", "Ops"}, dir, "", sc); code != 0 {
		t.Fatalf("team create exit %d", code)
	}
	a, err := app.Open(context.Background(), app.Config{DataDir: dir, Logger: quiet(), Sync: sc})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if exit := teamCommand([]string{"leave"}, dir, "", app.SyncConfig{}); exit == 0 {
		t.Fatal("team leave succeeded while the app holds the data directory")
	}
	if _, err := team.Load(dir); err != nil {
		t.Fatalf("the team file after a refused leave: %v", err)
	}
}

func TestRotateKeyCommand(t *testing.T) {
	dir := t.TempDir()
	sc := app.SyncConfig{BindAddr: "127.0.0.1", Port: apptest.FreePort(t), Preset: "local", NoDiscovery: true}
	if code := teamCommand([]string{"create", "Ops"}, dir, "", sc); code != 0 {
		t.Fatalf("team create exit %d", code)
	}
	a, err := app.Open(context.Background(), app.Config{DataDir: dir, Logger: quiet(), Sync: sc})
	if err != nil {
		t.Fatal(err)
	}
	if code := teamCommand([]string{"rotate-key"}, dir, "", sc); code == 0 {
		t.Fatal("rotate-key succeeded while the app holds the data directory")
	}
	a.Close()
	if code := teamCommand([]string{"rotate-key"}, dir, "", sc); code != 0 {
		t.Fatalf("rotate-key exit %d", code)
	}
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	_ = st.Scan(replica.KindTeamKey, func(change.Record) error { n++; return nil })
	if n != 1 {
		t.Fatalf("%d sealed keys in the replica, want 1", n)
	}
}

func TestTeamForgetCommand(t *testing.T) {
	dir := t.TempDir()
	if code := teamCommand([]string{"create", "Ops"}, dir, "", app.SyncConfig{}); code != 0 {
		t.Fatalf("team create exit %d", code)
	}
	tm, _ := team.Load(dir)
	tm.AddPeers("192.168.1.20:7481", "192.168.1.21:7481")
	if err := team.Save(dir, tm); err != nil {
		t.Fatal(err)
	}
	if code := teamCommand([]string{"forget", "192.168.1.20:7481"}, dir, "", app.SyncConfig{}); code != 0 {
		t.Fatalf("team forget exit %d", code)
	}
	if tm, _ := team.Load(dir); !slices.Equal(tm.Peers, []string{"192.168.1.21:7481"}) {
		t.Fatalf("peers after forget: %v", tm.Peers)
	}
	if code := teamCommand([]string{"forget", "192.168.1.20:7481"}, dir, "", app.SyncConfig{}); code == 0 {
		t.Fatal("forgetting an address that is not saved succeeded")
	}
}

// The data commands refuse a data directory a running Outpost holds, in words, and write nothing.
func TestDataCommandsAreRefusedWhileTheAppRuns(t *testing.T) {
	dir := t.TempDir()
	a, err := app.Open(context.Background(), app.Config{DataDir: dir, Logger: quiet(), Sync: app.SyncConfig{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "tickets.csv")
	if err := os.WriteFile(csv, []byte("Title,Description\nPrinter jams,On floor 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := dataCommand("import", []string{csv}, dir, "", &dataFlags{}, quiet()); code == 0 {
		t.Fatal("import succeeded while the app holds the data directory")
	}
	err = withStore(context.Background(), dir, "", quiet(), func(*store.Store) error { return nil })
	if !errors.Is(err, store.ErrAlreadyRunning) || !strings.Contains(err.Error(), "close it first") {
		t.Fatalf("opening a held data directory = %v", err)
	}
	a.Close()
	err = withStore(context.Background(), dir, "", quiet(), func(st *store.Store) error {
		n := 0
		err := st.Scan("ticket", func(change.Record) error { n++; return nil })
		if err == nil && n != 0 {
			err = fmt.Errorf("%d tickets were written by a refused import", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The invite says which addresses it offers, and warns when it cannot know that any of
// them is one the other laptop reaches; an address given with --gossip-advertise is
// offered first and silences the warning.
func TestInviteWarnsWhenUnsureOfTheAddress(t *testing.T) {
	cases := []struct {
		name  string
		addrs []string
		sc    app.SyncConfig
		want  []string
		never string
	}{
		{"no address", nil, app.SyncConfig{}, []string{"no network address", "--gossip-advertise"}, ""},
		{"several, none chosen", []string{"192.168.1.20:7946", "10.8.0.3:7946"}, app.SyncConfig{},
			[]string{"192.168.1.20:7946, 10.8.0.3:7946", "cannot reach any of them", "--gossip-advertise"}, ""},
		{"advertised", []string{"192.168.1.20:7946", "10.8.0.3:7946"}, app.SyncConfig{AdvertiseAddr: "192.168.1.20"},
			[]string{"192.168.1.20:7946"}, "cannot reach"},
		{"bound to one", []string{"192.168.1.20:7946"}, app.SyncConfig{BindAddr: "192.168.1.20"},
			[]string{"192.168.1.20:7946"}, "cannot reach"},
	}
	for _, c := range cases {
		note := inviteNote(c.addrs, c.sc)
		for _, w := range c.want {
			if !strings.Contains(note, w) {
				t.Errorf("%s: the note %q does not say %q", c.name, note, w)
			}
		}
		if c.never != "" && strings.Contains(note, c.never) {
			t.Errorf("%s: the note %q warns although the address was chosen", c.name, note)
		}
	}
	// The command puts the advertised address first in the code and prints the note.
	dir := t.TempDir()
	if code := teamCommand([]string{"create", "Ops"}, dir, "", app.SyncConfig{}); code != 0 {
		t.Fatalf("team create exit %d", code)
	}
	out, errOut := captureOutput(t, func() {
		if err := teamInvite(dir, app.SyncConfig{AdvertiseAddr: "192.0.2.9"}); err != nil {
			t.Error(err)
		}
	})
	invited, err := team.ParseInvite(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("the printed code %q: %v", out, err)
	}
	want := fmt.Sprintf("192.0.2.9:%d", gossip.DefaultPort)
	if len(invited.Peers) == 0 || invited.Peers[0] != want || !strings.Contains(errOut, want) {
		t.Fatalf("invite offers %v, note %q; want the advertised address first", invited.Peers, errOut)
	}
}

// captureOutput runs f and returns what it printed on standard output and error.
func captureOutput(t *testing.T, f func()) (string, string) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	rOut, wOut, _ := os.Pipe()
	rErr, wErr, _ := os.Pipe()
	os.Stdout, os.Stderr = wOut, wErr
	f()
	os.Stdout, os.Stderr = oldOut, oldErr
	wOut.Close()
	wErr.Close()
	out, _ := io.ReadAll(rOut)
	errOut, _ := io.ReadAll(rErr)
	return string(out), string(errOut)
}

// A backup or export never silently replaces an existing file; --force does.
func TestDataCommandsDoNotOverwriteFiles(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	for _, cmd := range []string{"backup", "export"} {
		path := filepath.Join(out, cmd+".out")
		if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		if code := dataCommand(cmd, []string{path}, dir, "", &dataFlags{}, quiet()); code == 0 {
			t.Fatalf("%s over an existing file succeeded", cmd)
		}
		if b, _ := os.ReadFile(path); string(b) != "keep me" {
			t.Fatalf("%s replaced the existing file without --force", cmd)
		}
		if code := dataCommand(cmd, []string{path}, dir, "", &dataFlags{force: true}, quiet()); code != 0 {
			t.Fatalf("%s --force exit %d", cmd, code)
		}
		if b, _ := os.ReadFile(path); string(b) == "keep me" || len(b) == 0 {
			t.Fatalf("%s --force did not write the file", cmd)
		}
	}
	_, errOut := captureOutput(t, func() {
		attachCommand("save-attachment", []string{strings.Repeat("a", 64), filepath.Join(out, "backup.out")}, dir, "", false, quiet())
	})
	if !strings.Contains(errOut, "already exists") {
		t.Fatalf("save-attachment over an existing file said %q", errOut)
	}
}
