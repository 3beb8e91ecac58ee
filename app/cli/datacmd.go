package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"outpost/backend/backup"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/csvio"
	"outpost/backend/demo"
	"outpost/backend/requester"
	"outpost/backend/technician"
	"outpost/backend/ticket"
	"outpost/sync/team"
)

// dataFlags are the flags of the data subcommands (demo, backup, restore, import, export).
type dataFlags struct {
	demo      demo.Config
	accept    bool
	delimiter string
	system    string
	mapping   string
	noFiles   bool
	force     bool
}

func addDataFlags(fl *flag.FlagSet) *dataFlags {
	d := &dataFlags{}
	fl.IntVar(&d.demo.Tickets, "tickets", 2000, "demo: tickets to generate")
	fl.IntVar(&d.demo.Technicians, "technicians", 8, "demo: technicians")
	fl.IntVar(&d.demo.SOPs, "sops", 0, "demo: knowledge-base articles")
	fl.Uint64Var(&d.demo.Seed, "seed", 1, "demo: seed; the same seed gives the same data")
	fl.IntVar(&d.demo.Days, "days", 365, "demo: days of history")
	fl.BoolVar(&d.accept, "accept-valid", false, "import: import the valid rows when some rows have errors")
	fl.StringVar(&d.delimiter, "delimiter", "", "import: column delimiter (default: guessed from the header)")
	fl.StringVar(&d.system, "preset", "", "import: the help desk the file comes from: glpi, zammad, osticket, freshservice, jsm (default: detected from the header)")
	fl.BoolVar(&d.noFiles, "no-files", false, "backup: leave the attachments' bytes out (records only; the files stay on the devices that hold them)")
	fl.BoolVar(&d.force, "force", false, "backup, export: replace FILE when it exists")
	fl.StringVar(&d.mapping, "map", "", `import: column mappings that override the guess, as "Column=field,Other Column=" (empty field ignores the column)`)
	return d
}

// dataCommand runs a data subcommand on the replica in dataDir and returns the exit code.
func dataCommand(cmd string, args []string, dataDir, name string, d *dataFlags, log *slog.Logger) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd {
	case "demo":
		err = demoCommand(ctx, dataDir, name, d.demo, log)
	case "backup", "restore", "import", "export":
		if len(args) != 1 {
			fmt.Fprintf(os.Stderr, "outpost: %s needs one FILE\n", cmd)
			return 2
		}
		if cmd == "backup" || cmd == "export" {
			if err := mayWrite(args[0], d.force); err != nil {
				fmt.Fprintln(os.Stderr, "outpost:", err)
				return 1
			}
		}
		err = withStore(ctx, dataDir, name, log, func(st *store.Store) error {
			switch cmd {
			case "backup":
				return backupCommand(st, dataDir, args[0], d.noFiles)
			case "restore":
				return restoreCommand(ctx, st, dataDir, args[0])
			case "import":
				return importCommand(ctx, st, args[0], d)
			default:
				return exportCommand(st, args[0])
			}
		})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "outpost:", err)
		return 1
	}
	return 0
}

func withStore(ctx context.Context, dataDir, name string, log *slog.Logger, fn func(*store.Store) error) error {
	st, err := store.Open(ctx, store.Options{Dir: dataDir, DeviceName: name, Logger: log})
	if errors.Is(err, store.ErrAlreadyRunning) {
		return fmt.Errorf("%w: use Settings > Data in its window, or close it first", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// demoCommand generates demo data: straight into a new data directory (fast: one
// device, stamped on a moving clock), or merged into an existing replica as a demo device.
func demoCommand(ctx context.Context, dataDir, name string, cfg demo.Config, log *slog.Logger) error {
	if _, err := team.Load(dataDir); err == nil {
		return errors.New("this device is in a team: demo data would reach every member; use another --data directory")
	}
	if err := cfg.Normalize(time.Now()); err != nil {
		return err
	}
	cfg.LeadKeyDir = dataDir // a lead's coaching notes open on their own device
	progress := func(p demo.Progress) {
		if p.Total > 0 && (p.Done == p.Total || p.Done%(25*p.Total/1000+1) < 250) {
			fmt.Fprintf(os.Stderr, "\r%s %d/%d   ", p.Phase, p.Done, p.Total)
		}
	}
	var stats demo.Stats
	_, statErr := os.Stat(filepath.Join(dataDir, "db"))
	if errors.Is(statErr, os.ErrNotExist) {
		if name == "" {
			name = demo.DeviceName
		}
		clk := demo.NewClock(cfg.Begin())
		st, err := store.Open(ctx, store.Options{Dir: dataDir, DeviceName: name, Now: clk.Now, Logger: log})
		if err != nil {
			return err
		}
		stats, err = demo.Generate(ctx, st, clk, cfg, progress)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	} else {
		err := withStore(ctx, dataDir, name, log, func(st *store.Store) error {
			var err error
			stats, err = demo.Load(ctx, st, filepath.Join(dataDir, "scratch"), cfg, progress)
			return err
		})
		if err != nil {
			return err
		}
	}
	size, _ := dirSize(dataDir)
	fmt.Fprintf(os.Stderr, "\rGenerated %d tickets (%d open) by %d technicians: %d changes in %s; data directory %s\n",
		stats.Tickets, stats.Open, len(stats.Technicians), stats.Changes, stats.Elapsed.Round(100*time.Millisecond), megabytes(size))
	return nil
}

// mayWrite refuses to replace an existing file unless told to (--force): a backup or
// export named like an earlier one must not silently take its place.
func mayWrite(path string, force bool) error {
	if path == "-" || force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; give another name, or add --force to replace it", path)
	}
	return nil
}

func backupCommand(st *store.Store, dataDir, path string, noFiles bool) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	var files *backup.Files
	if !noFiles {
		blobs, err := blob.Open(dataDir, 0)
		if err != nil {
			return err
		}
		if files, err = backup.LiveFiles(st, blobs); err != nil {
			return err
		}
	}
	info, err := backup.WriteFile(st, path, time.Now(), files)
	if err != nil {
		return err
	}
	fi, _ := os.Stat(path)
	fmt.Printf("Backed up %s to %s (%s)\n", describeBackup(info), path, megabytes(fi.Size()))
	return nil
}

func restoreCommand(ctx context.Context, st *store.Store, dataDir, path string) error {
	blobs, err := blob.Open(dataDir, 0)
	if err != nil {
		return err
	}
	res, err := backup.RestoreFile(ctx, st, blobs, path, func(p backup.Progress) {
		fmt.Fprintf(os.Stderr, "\rchecked; merging %d/%d   ", p.Done, p.Total)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\rRestored %s: %d new changes, %d already here, %d refused, %d attachment files. This device keeps its own identity (%s).\n",
		describeBackup(res.Info), res.Applied, res.Duplicates, res.Rejected, res.Files, st.Device().Tag())
	return nil
}

func importCommand(ctx context.Context, st *store.Store, path string, d *dataFlags) error {
	src := func() (io.ReadCloser, error) { return os.Open(path) }
	f, err := src()
	if err != nil {
		return err
	}
	opts := csvio.Options{Delimiter: d.delimiter, From: filepath.Base(path), System: d.system}
	a, err := csvio.Analyze(f, opts)
	f.Close()
	if err == nil && d.mapping != "" {
		opts.Mapping, err = csvio.Override(a.Header, a.Mapping, d.mapping)
		if err == nil {
			a, err = csvio.Analyze(openOrFail(src()), opts)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	opts.Mapping, opts.System = a.Mapping, a.System
	switch {
	case a.Detected:
		fmt.Printf("Preset: %s (detected from the header; --preset NAME or --map to choose otherwise).", a.Preset)
	case a.Preset != "":
		fmt.Printf("Preset: %s (chosen with --preset).", a.Preset)
	default:
		fmt.Printf("Preset: none fits this header; columns matched by their names (system %q).", a.System)
	}
	fmt.Printf(" %s. Columns (delimiter %q):\n", a.Encoding, a.Delimiter)
	for i, h := range a.Header {
		target := string(a.Mapping[i])
		if target == "" {
			target = "(ignored)"
		}
		fmt.Printf("  %-24s -> %s\n", h, target)
	}
	for i, e := range a.Errors {
		if i == 20 {
			fmt.Printf("  ... and %d more\n", a.ErrorCount-20)
			break
		}
		fmt.Println(" ", e)
	}
	if a.ErrorCount > 0 && !d.accept {
		return fmt.Errorf("%d of %d rows have errors; nothing was imported (use --accept-valid to import the %d valid rows)",
			a.ErrorCount, a.Total, a.Valid())
	}
	techs, err := technician.NewService(st, nil).List(true)
	if err != nil {
		return err
	}
	ps := make([]csvio.Person, len(techs))
	for i, t := range techs {
		ps[i] = csvio.Person{ID: t.ID, Name: t.Name, Email: t.Email}
	}
	tty := isTerminal(os.Stderr)
	tickets := ticket.NewService(st, nil)
	requesters := requester.NewService(st, tickets)
	defer requesters.Close()
	known := csvio.Known{Technicians: csvio.Match(ps), Requesters: requesters.Link}
	res, err := csvio.Import(ctx, st, tickets, st.Device().Name, src, opts, d.accept, known, func(p csvio.Progress) {
		if tty {
			fmt.Fprintf(os.Stderr, "\r%s", progressLine(p, a.Total))
		}
	})
	if tty {
		fmt.Fprintln(os.Stderr)
	}
	if errors.Is(err, csvio.ErrCancelled) {
		return fmt.Errorf("stopped after %d of %d rows (%d tickets written, %d already up to date); the tickets written are whole: run the same command again to finish, nothing is duplicated",
			res.Imported+res.Unchanged+res.Skipped, res.Total, res.Imported, res.Unchanged)
	}
	if err != nil {
		return err
	}
	fmt.Printf("Imported %d tickets (%d already up to date); skipped %d rows with errors\n", res.Imported, res.Unchanged, res.Skipped)
	return nil
}

// progressLine is the import's progress as the terminal shows it: rows, rate and time left.
func progressLine(p csvio.Progress, total int) string {
	rate := float64(p.Rows) / max(p.Elapsed.Seconds(), 0.001)
	left := time.Duration(float64(max(total-p.Rows, 0))/max(rate, 1)) * time.Second
	return fmt.Sprintf("%d of %d rows (%.0f%%), %.0f rows/s, %s left   ", p.Rows, total,
		100*float64(p.Rows)/float64(max(total, 1)), rate, left.Round(time.Second))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func openOrFail(f io.ReadCloser, err error) io.Reader {
	if err != nil {
		return errReader{err}
	}
	return f
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func exportCommand(st *store.Store, path string) error {
	var ts []ticket.Ticket
	err := st.Scan(ticket.Kind, func(r change.Record) error {
		if !r.Deleted() {
			ts = append(ts, ticket.FromRecord(r))
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(ts, func(a, b ticket.Ticket) int { return a.Created.Compare(b.Created) })
	var w io.Writer = os.Stdout
	if path != "-" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f // mayWrite checked that path held nothing, or --force
	}
	if err := csvio.WriteTickets(w, ts); err != nil {
		return err
	}
	if path != "-" {
		fmt.Fprintf(os.Stderr, "Exported %d tickets to %s\n", len(ts), path)
	}
	return nil
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n, err
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// describeBackup is the line the CLI prints about a backup.
func describeBackup(info backup.Info) string {
	files := fmt.Sprintf("%d attachment files (%s)", info.Files, megabytes(info.FileBytes))
	if info.FilesLeft {
		files = "attachments' bytes left out"
	}
	return fmt.Sprintf("%d changes and %s from %s (%s), taken %s", info.Changes, files, info.DeviceName, info.Device[:4],
		info.Taken.Local().Format("2006-01-02 15:04"))
}
