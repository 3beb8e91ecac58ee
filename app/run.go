package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"outpost/backend/core/store"
)

const usage = `Outpost: an offline-first help desk for small IT teams.

Usage:
  outpost [flags]             open the desktop window
  outpost serve [flags]       keep a replica and serve the UI to a browser on 127.0.0.1
  outpost team create NAME    create a team with this device as its first member
  outpost team invite         print an invite code for a new device (it carries the team key)
  outpost team join CODE      join a team with an invite code
  outpost team leave          stop syncing and forget the team (local data stays)
  outpost team peers          list the saved peer addresses the device keeps trying
  outpost team forget ADDR    stop trying a saved peer address (HOST:PORT)
  outpost team rotate-key     replace the team key (after removing a lost device)
  outpost demo [--tickets N --technicians M --sops K --seed S]
                              generate a year of realistic help-desk data (same seed, same data)
  outpost backup FILE         write the whole replica to one file, attachments included [--no-files]
  outpost restore FILE        merge a backup into this replica (this device keeps its own identity)
  outpost import FILE.csv     import tickets exported by another help desk [--accept-valid]
  outpost export FILE.csv     export every ticket as CSV ("-" for standard output)
  outpost attach KIND ID FILE attach a file to a ticket (ID or number), visit or sop
  outpost attachments KIND ID list a record's attachments
  outpost save-attachment HASH FILE
                              save an attachment's bytes to FILE
  outpost version             print the version

Flags:
`

// Run is the whole program: it parses args, runs the subcommand and returns the exit code.
// desktop opens the window; it is nil in builds without one.
func Run(args []string, assets fs.FS, desktop func(*App, fs.FS) error) int {
	fl := flag.NewFlagSet("outpost", flag.ContinueOnError)
	fl.Usage = func() { fmt.Fprint(fl.Output(), usage); fl.PrintDefaults() }
	dataDir := fl.String("data", "", "data directory (default $OUTPOST_DATA_DIR, else ~/.local/share/outpost, %LOCALAPPDATA%\\Outpost or ~/Library/Application Support/Outpost)")
	name := fl.String("name", "", "this device's name as peers see it (default: the host name)")
	listen := fl.String("listen", "127.0.0.1:7480", "serve: HTTP address for the UI and API")
	verbose := fl.Bool("verbose", false, "log debug messages")
	var sc SyncConfig
	fl.StringVar(&sc.BindAddr, "gossip-bind", "", "address to gossip on (default all interfaces)")
	fl.IntVar(&sc.Port, "gossip-port", 0, "gossip port, TCP and UDP (default 7481)")
	fl.StringVar(&sc.AdvertiseAddr, "gossip-advertise", "", "IP address (or IP:port) peers should use to reach this device, e.g. behind NAT")
	fl.StringVar(&sc.Preset, "gossip-preset", "lan", "gossip timers: lan, or local for peers on one machine")
	fl.BoolVar(&sc.Off, "no-sync", false, "do not replicate with the team")
	fl.BoolVar(&sc.NoDiscovery, "no-mdns", false, "do not find or announce peers on the local network (mDNS)")
	df := addDataFlags(fl)
	var positional []string
	for {
		if err := fl.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fl.NArg() == 0 {
			break
		}
		positional = append(positional, fl.Arg(0))
		args = fl.Args()[1:]
	}
	cmd := ""
	if len(positional) > 0 {
		cmd, positional = positional[0], positional[1:]
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if *dataDir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "outpost:", err)
			return 1
		}
		*dataDir = d
	}
	switch cmd {
	case "version":
		fmt.Println("outpost", Version)
		return 0
	case "demo", "backup", "restore", "import", "export":
		return dataCommand(cmd, positional, *dataDir, *name, df, log)
	case "team":
		return teamCommand(positional, *dataDir, sc)
	case "attach", "attachments", "save-attachment":
		return attachCommand(cmd, positional, *dataDir, *name, log)
	case "", "serve":
	default:
		fmt.Fprintf(os.Stderr, "outpost: unknown command %q\n\n", cmd)
		fl.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := Open(ctx, Config{DataDir: *dataDir, DeviceName: *name, Logger: log, Sync: sc})
	if err != nil {
		fmt.Fprintln(os.Stderr, "outpost:", err)
		return 1
	}
	defer a.Close()
	if cmd == "serve" {
		err = a.Serve(ctx, *listen, assets, os.Stdout)
	} else if desktop == nil {
		err = errors.New("this build has no desktop window; use `outpost serve`")
	} else {
		err = desktop(a, assets)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "outpost:", err)
		return 1
	}
	return 0
}

// Serve serves the UI and API on addr until ctx ends, printing the address with its token to out.
func (a *App) Serve(ctx context.Context, addr string, assets fs.FS, out io.Writer) error {
	token, err := LoadToken(a.cfg.DataDir, a.log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: a.HTTPHandler(assets, token, ln.Addr().String()), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "Outpost is serving this replica (%s) at http://%s/?token=%s\n", a.cfg.DataDir, ln.Addr(), token)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.events.close() // end event streams so Shutdown does not wait on them
		return srv.Shutdown(shut)
	case err := <-errc:
		return err
	}
}
