package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"outpost/app"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/team"
)

// teamCommand runs `outpost team ...`. It edits the team file only, so it works
// whether or not the app is running; a running app picks the change up when restarted.
func teamCommand(args []string, dataDir, device string, sc app.SyncConfig) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: outpost team create NAME | invite | join CODE | peers | forget HOST:PORT | leave | rotate-key")
		return 2
	}
	if err := runTeam(args[0], args[1:], dataDir, device, sc); err != nil {
		fmt.Fprintln(os.Stderr, "outpost team:", err)
		return 1
	}
	return 0
}

// teamFileEdits are the team commands that change the team file a running Outpost
// holds ("create" too, which takes the lock by opening the replica for the device's ID).
var teamFileEdits = []string{"join", "leave", "forget"}

func runTeam(cmd string, args []string, dataDir, device string, sc app.SyncConfig) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	if slices.Contains(teamFileEdits, cmd) {
		lock, err := store.LockDir(dataDir)
		if errors.Is(err, store.ErrAlreadyRunning) {
			return errors.New("Outpost is running with this data directory: use Team & peers in the app, or stop it first")
		}
		if err != nil {
			return err
		}
		defer lock.Unlock()
	}
	switch cmd {
	case "create":
		return teamCreate(dataDir, device, strings.Join(args, " "))
	case "invite":
		return teamInvite(dataDir, sc)
	case "join":
		return teamJoin(dataDir, strings.Join(args, ""))
	case "peers":
		return teamPeers(dataDir)
	case "forget":
		if len(args) != 1 {
			return errors.New("give the address: outpost team forget HOST:PORT")
		}
		return teamForget(dataDir, args[0])
	case "leave":
		if err := team.Leave(dataDir); err != nil {
			return err
		}
		fmt.Println("Left the team. This device's data stays; it no longer syncs.")
		return nil
	case "rotate-key":
		if err := rotateKey(dataDir); err != nil {
			return err
		}
		fmt.Println("A new team key is sealed to every device of the team. It is installed when Outpost next runs here " +
			"and reaches the others as they sync; a device offline until the old key is retired will need a new invite.")
		return nil
	default:
		return fmt.Errorf("unknown team command %q", cmd)
	}
}

func teamCreate(dataDir, device, name string) error {
	st, err := store.Open(context.Background(), store.Options{Dir: dataDir, DeviceName: device, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if errors.Is(err, store.ErrAlreadyRunning) {
		return errors.New("Outpost is running with this data directory: use Team & peers in the app, or stop it first")
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := team.Load(dataDir); err == nil {
		return errors.New("this device is already in a team: run `outpost team leave` first")
	}
	tm, err := team.New(name)
	if err != nil {
		return err
	}
	tm.Owner = st.Device().ID // the creating device is the team's first owner
	if err := team.Save(dataDir, tm); err != nil {
		return err
	}
	fmt.Printf("Created team %q (%s). Invite others with `outpost team invite`.\n", tm.Name, tm.ID)
	return nil
}

// teamInvite prints an invite code offering the advertised address first, then this
// machine's others, and tells on standard error which addresses it offers.
func teamInvite(dataDir string, sc app.SyncConfig) error {
	tm, err := team.Load(dataDir)
	if err != nil {
		return err
	}
	addrs := app.LocalAddrs(sc.BindAddr, sc.Port)
	adv, err := advertised(sc)
	if err != nil {
		return err
	}
	if adv != "" {
		addrs = append([]string{adv}, slices.DeleteFunc(addrs, func(a string) bool { return a == adv })...)
	}
	code, err := team.Invite(tm, addrs)
	if err != nil {
		return err
	}
	fmt.Println(code)
	fmt.Fprintln(os.Stderr, inviteNote(addrs, sc))
	return nil
}

func teamJoin(dataDir, code string) error {
	if code == "" {
		return errors.New("give the invite code: outpost team join CODE")
	}
	tm, err := team.ParseInvite(code)
	if err != nil {
		return err
	}
	if err := app.Joinable(dataDir, tm); err != nil {
		return err
	}
	if err := team.Save(dataDir, tm); err != nil {
		return err
	}
	fmt.Printf("Joined team %q; Outpost will sync with %s when it runs.\n", tm.Name, strings.Join(tm.Peers, ", "))
	return nil
}

func teamPeers(dataDir string) error {
	tm, err := team.Load(dataDir)
	if err != nil {
		return err
	}
	if len(tm.Peers) == 0 {
		fmt.Println("No saved peer addresses: this device finds its team by mDNS, invites and addresses added by hand.")
	}
	for _, p := range tm.Peers {
		fmt.Println(p)
	}
	return nil
}

func teamForget(dataDir, addr string) error {
	tm, err := team.Load(dataDir)
	if err != nil {
		return err
	}
	if !tm.RemovePeer(addr) {
		return fmt.Errorf("%s is not a saved peer address (see `outpost team peers`)", addr)
	}
	if err := team.Save(dataDir, tm); err != nil {
		return err
	}
	fmt.Printf("Forgot %s.\n", addr)
	return nil
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
func advertised(sc app.SyncConfig) (string, error) {
	port := sc.Port
	if port == 0 {
		port = gossip.DefaultPort
	}
	return gossip.AdvertiseAddress(sc.AdvertiseAddr, port)
}

// inviteNote tells the person sharing an invite which addresses it offers, and what to do
// when none of them is one the other laptop can reach.
func inviteNote(addrs []string, sc app.SyncConfig) string {
	if len(addrs) == 0 {
		return "This machine has no network address a peer could use; the new device will find this one by mDNS on the same network, " +
			"or give an address with --gossip-advertise IP."
	}
	note := "The invite offers " + strings.Join(addrs, ", ") + "."
	if sc.BindAddr == "" && sc.AdvertiseAddr == "" && len(addrs) > 1 {
		note += " If the other laptop cannot reach any of them (another network, a VPN), use --gossip-advertise IP."
	}
	return note
}
