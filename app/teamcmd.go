package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/team"
)

// teamCommand runs `outpost team ...`. It edits the team file only, so it works
// whether or not the app is running; a running app picks the change up when restarted.
func teamCommand(args []string, dataDir string, sc SyncConfig) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "outpost team:", err)
		return 1
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: outpost team create NAME | invite | join CODE | peers | forget HOST:PORT | leave | rotate-key")
		return 2
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fail(err)
	}
	if slices.Contains([]string{"create", "join", "leave", "forget"}, args[0]) { // they change the team file a running Outpost holds
		lock, err := store.LockDir(dataDir)
		if errors.Is(err, store.ErrAlreadyRunning) {
			return fail(errors.New("Outpost is running with this data directory: use Team & peers in the app, or stop it first"))
		}
		if err != nil {
			return fail(err)
		}
		defer lock.Unlock()
	}
	switch args[0] {
	case "create":
		if _, err := team.Load(dataDir); err == nil {
			return fail(fmt.Errorf("this device is already in a team: run `outpost team leave` first"))
		}
		tm, err := team.New(strings.Join(args[1:], " "))
		if err != nil {
			return fail(err)
		}
		if err := team.Save(dataDir, tm); err != nil {
			return fail(err)
		}
		fmt.Printf("Created team %q (%s). Invite others with `outpost team invite`.\n", tm.Name, tm.ID)
	case "invite":
		tm, err := team.Load(dataDir)
		if err != nil {
			return fail(err)
		}
		addrs := LocalAddrs(sc.BindAddr, sc.Port)
		if adv, err := advertised(sc); err != nil {
			return fail(err)
		} else if adv != "" {
			addrs = append([]string{adv}, slices.DeleteFunc(addrs, func(a string) bool { return a == adv })...)
		}
		code, err := team.Invite(tm, addrs)
		if err != nil {
			return fail(err)
		}
		fmt.Println(code)
		fmt.Fprintln(os.Stderr, inviteNote(addrs, sc))
	case "join":
		if len(args) < 2 {
			return fail(fmt.Errorf("give the invite code: outpost team join CODE"))
		}
		tm, err := team.ParseInvite(strings.Join(args[1:], ""))
		if err != nil {
			return fail(err)
		}
		if err := joinable(dataDir, tm); err != nil {
			return fail(err)
		}
		if err := team.Save(dataDir, tm); err != nil {
			return fail(err)
		}
		fmt.Printf("Joined team %q; Outpost will sync with %s when it runs.\n", tm.Name, strings.Join(tm.Peers, ", "))
	case "peers":
		tm, err := team.Load(dataDir)
		if err != nil {
			return fail(err)
		}
		if len(tm.Peers) == 0 {
			fmt.Println("No saved peer addresses: this device finds its team by mDNS, invites and addresses added by hand.")
		}
		for _, p := range tm.Peers {
			fmt.Println(p)
		}
	case "forget":
		if len(args) != 2 {
			return fail(errors.New("give the address: outpost team forget HOST:PORT"))
		}
		tm, err := team.Load(dataDir)
		if err != nil {
			return fail(err)
		}
		if !tm.RemovePeer(args[1]) {
			return fail(fmt.Errorf("%s is not a saved peer address (see `outpost team peers`)", args[1]))
		}
		if err := team.Save(dataDir, tm); err != nil {
			return fail(err)
		}
		fmt.Printf("Forgot %s.\n", args[1])
	case "leave":
		if err := team.Leave(dataDir); err != nil {
			return fail(err)
		}
		fmt.Println("Left the team. This device's data stays; it no longer syncs.")
	case "rotate-key":
		if err := rotateKey(dataDir); err != nil {
			return fail(err)
		}
		fmt.Println("A new team key is sealed to every device of the team. It is installed when Outpost next runs here " +
			"and reaches the others as they sync; a device offline until the old key is retired will need a new invite.")
	default:
		return fail(fmt.Errorf("unknown team command %q", args[0]))
	}
	return 0
}

// rotateKey writes a new sealed team key into the replica while the app is not running.
func rotateKey(dataDir string) error {
	tm, err := team.Load(dataDir)
	if err != nil {
		return err
	}
	if len(tm.Keys) > 1 {
		return replica.ErrRotating
	}
	st, err := store.Open(context.Background(), store.Options{Dir: dataDir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if errors.Is(err, store.ErrAlreadyRunning) {
		return errors.New("Outpost is running with this data directory: rotate the key from Team & peers in the app")
	}
	if err != nil {
		return err
	}
	defer st.Close()
	missing, err := replica.SealNewKey(context.Background(), st, st.Device().Name)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "These devices never published a key and will need a new invite: %s\n", strings.Join(missing, ", "))
	}
	return nil
}

// advertised is the address --gossip-advertise names, with the gossip port ("" without it).
func advertised(sc SyncConfig) (string, error) {
	port := sc.Port
	if port == 0 {
		port = gossip.DefaultPort
	}
	return gossip.AdvertiseAddress(sc.AdvertiseAddr, port)
}
