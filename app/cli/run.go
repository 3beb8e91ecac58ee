package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"outpost/app"
	"outpost/app/httpapi"
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
  outpost backup FILE         write the whole replica to one file, attachments included [--no-files] [--force]
  outpost restore FILE        merge a backup into this replica (this device keeps its own identity)
  outpost import FILE.csv     import tickets exported by another help desk [--accept-valid]
  outpost export FILE.csv     export every ticket as CSV ("-" for standard output) [--force]
  outpost attach KIND ID FILE attach a file to a ticket (ID or number), visit or sop
  outpost attachments KIND ID list a record's attachments
  outpost save-attachment HASH FILE
                              save an attachment's bytes to FILE [--force]
                              (an existing FILE is replaced only with --force)
  outpost version             print the version

Environment:
  OUTPOST_CPUPROFILE=FILE     write a CPU profile of the command (pprof) to FILE
  OUTPOST_MEMPROFILE=FILE     write an allocation profile to FILE when the command ends
  OUTPOST_TRACE=FILE          write an execution trace of the command (go tool trace) to FILE

Flags:
`

// options are the global flags and the subcommand with its arguments.
type options struct {
	dataDir, name, listen string
	mailCA                string
	verbose               bool
	sync                  app.SyncConfig
	data                  *dataFlags
	cmd                   string
	args                  []string
	usage                 func() // prints the usage and the flags
}

// Run is the whole program: it parses args, runs the subcommand and returns the exit code.
// desktop opens the window; it is nil in builds without one.
func Run(args []string, assets fs.FS, desktop func(*app.App, fs.FS) error) int {
	o, code, ok := parse(args)
	if !ok {
		return code
	}
	log := logger(o.verbose)
	defer startProfiles()()
	if o.dataDir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "outpost:", err)
			return 1
		}
		o.dataDir = d
	}
	switch o.cmd {
	case "version":
		fmt.Println("outpost", app.Version)
		return 0
	case "demo", "backup", "restore", "import", "export":
		return dataCommand(o.cmd, o.args, o.dataDir, o.name, o.data, log)
	case "team":
		return teamCommand(o.args, o.dataDir, o.name, o.sync)
	case "attach", "attachments", "save-attachment":
		return attachCommand(o.cmd, o.args, o.dataDir, o.name, o.data.force, log)
	case "", "serve":
		return runApp(o, log, assets, desktop)
	default:
		fmt.Fprintf(os.Stderr, "outpost: unknown command %q\n\n", o.cmd)
		o.usage()
		return 2
	}
}

// parse reads the flags, which may come before and after the subcommand's words. It
// returns ok false with the exit code when there is nothing to run (help, a bad flag).
func parse(args []string) (o options, code int, ok bool) {
	fl := flag.NewFlagSet("outpost", flag.ContinueOnError)
	fl.Usage = func() { fmt.Fprint(fl.Output(), usage); fl.PrintDefaults() }
	fl.StringVar(&o.dataDir, "data", "", "data directory (default $OUTPOST_DATA_DIR, else ~/.local/share/outpost, %LOCALAPPDATA%\\Outpost or ~/Library/Application Support/Outpost)")
	fl.StringVar(&o.name, "name", "", "this device's name as peers see it (default: the host name)")
	fl.StringVar(&o.listen, "listen", "127.0.0.1:7480", "serve: HTTP address for the UI and API")
	fl.BoolVar(&o.verbose, "verbose", false, "log debug messages")
	fl.StringVar(&o.mailCA, "mail-ca", "", "PEM file of a certificate authority the team's mail servers' certificates may be signed by (besides the system's)")
	sc := &o.sync
	fl.StringVar(&sc.BindAddr, "gossip-bind", "", "address to gossip on (default all interfaces)")
	fl.IntVar(&sc.Port, "gossip-port", 0, "gossip port, TCP and UDP (default 7481)")
	fl.StringVar(&sc.AdvertiseAddr, "gossip-advertise", "", "IP address (or IP:port) peers should use to reach this device, e.g. behind NAT")
	fl.StringVar(&sc.Preset, "gossip-preset", "lan", "gossip timers: lan, or local for peers on one machine")
	fl.BoolVar(&sc.Off, "no-sync", false, "do not replicate with the team")
	fl.BoolVar(&sc.NoDiscovery, "no-mdns", false, "do not find or announce peers on the local network (mDNS)")
	o.data = addDataFlags(fl)
	o.usage = fl.Usage
	var positional []string
	for {
		if err := fl.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, 0, false
			}
			return o, 2, false
		}
		if fl.NArg() == 0 {
			break
		}
		positional = append(positional, fl.Arg(0))
		args = fl.Args()[1:]
	}
	if len(positional) > 0 {
		o.cmd, o.args = positional[0], positional[1:]
	}
	return o, 0, true
}

func logger(verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// runApp opens the replica and keeps it open in the window, or serving a browser, until
// the window closes or the process is told to stop.
func runApp(o options, log *slog.Logger, assets fs.FS, desktop func(*app.App, fs.FS) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.Open(ctx, app.Config{DataDir: o.dataDir, DeviceName: o.name, Logger: log, Sync: o.sync, MailCAFile: o.mailCA})
	if err != nil {
		fmt.Fprintln(os.Stderr, "outpost:", err)
		return 1
	}
	defer a.Close()
	switch {
	case o.cmd == "serve":
		err = httpapi.Serve(ctx, a, o.listen, assets, os.Stdout)
	case desktop == nil:
		err = errors.New("this build has no desktop window; use `outpost serve`")
	default:
		err = desktop(a, assets)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "outpost:", err)
		return 1
	}
	return 0
}
