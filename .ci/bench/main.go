// Command bench runs Outpost's benchmarks and end-to-end measurements and prints one
// table of figures with their goals (and writes it as JSON). It lives under .ci because
// it is tooling, not part of the product; `make bench` runs it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"outpost/app"
	"outpost/backend/core/store"
	"outpost/backend/demo"
	"outpost/backend/queue"
	"outpost/backend/ticket"
)

// Figure is one line of the table.
type Figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Goal  string  `json:"goal,omitempty"` // e.g. "< 30"; empty: reported, no goal
	Meets *bool   `json:"meets,omitempty"`
	Note  string  `json:"note,omitempty"`
}

// Report is what build/bench.json holds.
type Report struct {
	Taken      time.Time   `json:"taken"`
	Machine    string      `json:"machine"`
	Figures    []Figure    `json:"figures"`
	Benchmarks []Benchmark `json:"benchmarks"`
}

// Benchmark is one line of `go test -bench` output.
type Benchmark struct {
	Package string             `json:"package"`
	Name    string             `json:"name"`
	Metrics map[string]float64 `json:"metrics"`
}

func main() {
	out := flag.String("out", "build/bench.json", "where to write the JSON report")
	dataDir := flag.String("data", "build/bench-data", "where generated datasets are kept between runs")
	big := flag.Int("tickets", 100_000, "size of the large dataset")
	skipGo := flag.Bool("skip-go", false, "skip the Go benchmarks of every package")
	bin := flag.String("bin", "build/bin/outpost", "desktop binary for the cold-start measurement")
	dataOnly := flag.Bool("data-only", false, "only generate (or check) the kept datasets")
	importRows := flag.Int("import-rows", 100_000, "rows of the generated export files the import is measured with")
	importLarge := flag.Int("import-large", 1_000_000, "rows of the large export whose import's memory is measured (0: none)")
	importOnly := flag.Bool("import-only", false, "only measure the import of generated export files (as -only import)")
	mails := flag.Int("mails", 10_000, "mails in the inbox of the email channel's measurement")
	mailOnly := flag.Bool("mail-only", false, "only measure the email channel")
	headless := flag.String("headless", "build/bin/outpost-headless", "the binary `outpost serve` runs from, for the measurements with real peers")
	only := flag.String("only", "", "run only these end-to-end scenarios, comma-separated: join, import")
	joinTickets := flag.Int("join-tickets", 100_000, "rows of the export the join scenario's source device imports")
	profile := flag.Bool("profile", false, "join and import: the processes write CPU and allocation profiles into -data")
	flag.StringVar(&prebuilt, "cli", "", "join and import: run this headless outpost binary instead of building one from this tree")
	flag.Parse()
	if *importOnly {
		*only = "import"
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := &Report{Taken: time.Now().UTC(), Machine: machine()}
	ctx := context.Background()
	if *only != "" {
		os.MkdirAll(*dataDir, 0o755)
		for _, s := range strings.Split(*only, ",") {
			switch strings.TrimSpace(s) {
			case "join":
				step("join: a new device catches up with an imported team")
				r.join(ctx, *dataDir, *joinTickets, *profile)
			case "import":
				step("import of generated export files")
				r.importFiles(ctx, *dataDir, *importRows, *importLarge, *profile, log)
			default:
				fail(fmt.Errorf("no scenario %q (join, import)", s))
			}
		}
		r.print(os.Stdout)
		return
	}
	if *mailOnly {
		step("email channel")
		r.mail(*headless, *mails, 1000)
		r.print(os.Stdout)
		return
	}
	if !*skipGo && !*dataOnly {
		step("Go benchmarks of every package")
		r.Benchmarks = goBenchmarks()
		r.fromBenchmarks()
	}
	small := dataset(ctx, r, *dataDir, 10_000, 0)
	large := dataset(ctx, r, *dataDir, *big, 5_000)
	if *dataOnly {
		r.print(os.Stdout)
		return
	}
	step("queue view")
	r.queue(ctx, small, "10k", log)
	r.queue(ctx, large, fmt.Sprintf("%dk", *big/1000), log)
	step("durable create and a long session of edits")
	r.session(ctx, small, log)
	step("import of generated export files")
	r.importFiles(ctx, *dataDir, *importRows, *importLarge, false, log)
	step("email channel")
	r.mail(*headless, *mails, 1000)
	step("join: a new device catches up with an imported team")
	r.join(ctx, *dataDir, *joinTickets, false)
	step("cold start of the desktop binary")
	r.coldStart(*bin, large)
	r.print(os.Stdout)
	raw, _ := json.MarshalIndent(r, "", "  ")
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err == nil {
		_ = os.WriteFile(*out, raw, 0o644)
	}
	fmt.Printf("\nwritten to %s\n", *out)
}

func step(s string) { fmt.Fprintf(os.Stderr, "== %s (%s)\n", s, time.Now().Format("15:04:05")) }

func machine() string {
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`model name\s*:\s*(.*)`).FindSubmatch(b); m != nil {
			cpu = string(m[1])
		}
	}
	return fmt.Sprintf("%s, %d cores, %s, %s/%s", cpu, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func (r *Report) add(f Figure) {
	if f.Goal != "" {
		ok := meets(f.Value, f.Goal)
		f.Meets = &ok
	}
	r.Figures = append(r.Figures, f)
}

func meets(v float64, goal string) bool {
	op, num, _ := strings.Cut(goal, " ")
	g, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return false
	}
	switch op {
	case ">":
		return v > g
	case ">=":
		return v >= g
	case "<=":
		return v <= g
	case "<":
		return v < g
	}
	return false // a goal this table cannot read is not met
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$`)

// goBenchmarks runs every package's benchmarks once each (the heavy ones measure their
// own percentiles over many operations inside one run).
func goBenchmarks() []Benchmark {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", ".", "-benchtime", "1x", "-benchmem", "-timeout", "12m", "./...")
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "go test -bench:", err)
	}
	var out []Benchmark
	pkg := ""
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		b := Benchmark{Package: pkg, Name: m[1], Metrics: map[string]float64{}}
		f := strings.Fields(m[4])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				b.Metrics[f[i+1]] = v
			}
		}
		out = append(out, b)
	}
	return out
}

func (r *Report) bench(name string) (Benchmark, bool) {
	for _, b := range r.Benchmarks {
		if b.Name == name {
			return b, true
		}
	}
	return Benchmark{}, false
}

// fromBenchmarks takes the figures the packages' own benchmarks measure.
func (r *Report) fromBenchmarks() {
	pick := func(bench, metric, name, unit, goal string, scale float64) {
		if b, ok := r.bench(bench); ok {
			if v, ok := b.Metrics[metric]; ok {
				r.add(Figure{Name: name, Value: v * scale, Unit: unit, Goal: goal, Note: b.Package + " " + bench})
			}
		}
	}
	pick("BenchmarkSearch", "p95-ms", "search p95, 100k tickets + 5k SOPs", "ms", "< 50", 1)
	pick("BenchmarkSLAAndReports100k", "ns/op", "full report set over a year (SLA + reports), 100k tickets", "ms", "< 300", 1e-6)
	pick("BenchmarkDurableWrite", "p99-ms", "durable write p99, one synced transaction (store)", "ms", "< 5", 1)
	pick("BenchmarkBareSyncedCommit", "p99-ms", "bare synced Badger commit p99 (this disk's floor)", "ms", "", 1)
	pick("BenchmarkQueueView100k", "p95-ms", "queue view p95, 100k tickets all open, by SLA risk (queue)", "ms", "< 30", 1)
	pick("BenchmarkDecodeRecord/fast", "ns/op", "decode one ticket record (change)", "us", "", 1e-3)
	pick("BenchmarkApply10kRemoteChanges", "ns/op", "apply 10,000 remote changes", "s", "", 1e-9)
	pick("BenchmarkVisibility10Nodes", "p99-ms", "sync: change visible on 10 nodes, p99", "ms", "< 500", 1)
	pick("BenchmarkVisibility10Nodes", "wire-x", "sync: bytes on the wire per change / its encoded size, 10 nodes (incl. memberlist's probes)", "x", "<= 1.5", 1)
	pick("BenchmarkCatchUp100k", "changes/s", "sync: catch-up of 100,000 changes, 2 nodes, loopback, LAN (100k in < 10 s)", "changes/s", "> 10000", 1)
	pick("BenchmarkPartitionHeal", "heal-ms", "sync: convergence after a partition heals", "ms", "< 2000", 1)
	pick("BenchmarkPhotos300", "MB/s", "attachments: 300 photos x 5 MB from A to B, loopback", "MB/s", "", 1)
	pick("BenchmarkPhotos300", "pct-of-tcp", "attachments: throughput as a share of a raw TCP copy in the same run", "%", ">= 70", 1)
	pick("BenchmarkPhotos300", "edit-p99-ms", "attachments: an edit visible on B during the transfer, p99", "ms", "< 50", 1)
	pick("BenchmarkPhotos300", "extra-MB", "attachments: extra memory during the transfer (both peers, one process)", "MB", "< 100", 1)
	pick("BenchmarkBackup", "ns/op", "backup of 2,000 tickets with histories", "ms", "", 1e-6)
}

// stamp records how a kept dataset was generated.
type stamp struct {
	Generator string        `json:"generator"` // generatorVersion() when it was made
	Config    demo.Config   `json:"config"`
	Stats     demo.Stats    `json:"stats"`
	Elapsed   time.Duration `json:"elapsed"`
}

// generatorVersion names the code that generates a dataset: a hash of the demo
// generator's sources, so a kept dataset is made again when the generator changes.
func generatorVersion() string {
	h := sha256.New()
	for _, dir := range []string{"backend/demo"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		slices.Sort(files)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			fmt.Fprintf(h, "%s %d\n", f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// dataset returns a directory holding n generated tickets, generating it unless a
// complete one from an earlier run is there (generation figures then come from its stamp).
func dataset(ctx context.Context, r *Report, root string, n, sops int) string {
	dir := filepath.Join(root, fmt.Sprintf("%dk", n/1000))
	label := fmt.Sprintf("%dk", n/1000)
	cfg := demo.Config{Tickets: n, Technicians: 12, SOPs: sops, Seed: 1, End: time.Date(2026, 1, 30, 17, 0, 0, 0, time.UTC)}
	var st stamp
	raw, err := os.ReadFile(filepath.Join(root, label+".json"))
	note := "generated in this run"
	version := generatorVersion()
	if err != nil || json.Unmarshal(raw, &st) != nil || st.Config.Tickets != n || st.Config.SOPs != sops || st.Generator != version {
		step("generate " + label + " dataset")
		os.RemoveAll(dir)
		_ = cfg.Normalize(time.Now())
		clk := demo.NewClock(cfg.Begin())
		s, err := store.Open(ctx, store.Options{Dir: dir, DeviceName: "bench", Now: clk.Now,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			fail(err)
		}
		began := time.Now()
		stats, err := demo.Generate(ctx, s, clk, cfg, nil)
		if err != nil {
			fail(err)
		}
		s.Close()
		st = stamp{Generator: version, Config: cfg, Stats: stats, Elapsed: time.Since(began)}
		raw, _ = json.Marshal(st)
		os.WriteFile(filepath.Join(root, label+".json"), raw, 0o644)
	} else {
		note = "generated in an earlier run, " + st.Stats.Elapsed.String()
	}
	r.add(Figure{Name: "generate " + label + " tickets with histories (" + strconv.Itoa(st.Stats.Changes) + " changes)",
		Value: st.Elapsed.Seconds(), Unit: "s", Note: note})
	if n >= 100_000 {
		size := dirSize(dir)
		r.add(Figure{Name: "data directory per 100k tickets", Value: float64(size) / (1 << 20) * 100_000 / float64(n), Unit: "MB",
			Note: fmt.Sprintf("%d changes, %d SOPs", st.Stats.Changes, sops)})
	}
	return dir
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func openApp(ctx context.Context, dir string, log *slog.Logger) (*app.App, time.Duration) {
	began := time.Now()
	a, err := app.Open(ctx, app.Config{DataDir: dir, DeviceName: "bench", Logger: log, Sync: app.SyncConfig{Off: true}})
	if err != nil {
		fail(err)
	}
	return a, time.Since(began)
}

func percentile(d []time.Duration, p float64) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[min(len(s)-1, int(float64(len(s))*p))].Microseconds()) / 1000
}

// queue measures the queue view as the window asks for it: open tickets sorted by SLA
// risk, and with a filter and a text search.
func (r *Report) queue(ctx context.Context, dir, label string, log *slog.Logger) {
	began := time.Now()
	a, opened := openApp(ctx, dir, log)
	defer a.Close()
	if _, err := a.Tickets.Queue(queue.Filter{Sort: queue.SortSLA, Limit: 200}); err != nil {
		fail(err)
	}
	first := time.Since(began)
	if _, err := a.Tickets.Queue(queue.Filter{IncludeClosed: true, Limit: 1}); err != nil { // waits for every ticket
		fail(err)
	}
	loaded := time.Since(began)
	// Let the search index finish its first build (or catch-up) before measuring, as it does
	// once on a device: the queue is measured as people use it, not beside a rebuild that
	// has both cores, and later starts (the cold start below) find the index current.
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if st, err := a.Search.Status(); err != nil || st.Ready {
			if err == nil {
				r.add(Figure{Name: "search index current after opening the app, " + label, Value: time.Since(began).Seconds(), Unit: "s",
					Note: fmt.Sprintf("rebuilt: %v, %d documents", st.Rebuilt, st.Docs)})
			}
			break
		}
	}
	r.add(Figure{Name: "open the app (Open returns), " + label, Value: opened.Seconds(), Unit: "s"})
	r.add(Figure{Name: "open the app and answer the first queue page, " + label, Value: first.Seconds(), Unit: "s"})
	r.add(Figure{Name: "open the app until every ticket is indexed (background), " + label, Value: loaded.Seconds(), Unit: "s"})
	filters := []queue.Filter{
		{Sort: queue.SortSLA, Limit: 200},
		{Sort: queue.SortSLA, Category: "network", Limit: 200},
		{Sort: "priority", Text: "vpn", Limit: 200},
	}
	var lat, all []time.Duration
	for i := range 400 {
		began := time.Now()
		if _, err := a.Tickets.Queue(filters[i%len(filters)]); err != nil {
			fail(err)
		}
		lat = append(lat, time.Since(began))
		if i%4 == 3 { // every ticket, open or closed, most recently updated first
			began := time.Now()
			if _, err := a.Tickets.Queue(queue.Filter{Sort: "updated", IncludeClosed: true, Limit: 200}); err != nil {
				fail(err)
			}
			all = append(all, time.Since(began))
		}
	}
	r.add(Figure{Name: "queue view " + label + " (open, filtered, sorted by SLA risk) p50", Value: percentile(lat, 0.5), Unit: "ms"})
	r.add(Figure{Name: "queue view " + label + " p95", Value: percentile(lat, 0.95), Unit: "ms", Goal: "< 30"})
	r.add(Figure{Name: "queue view " + label + ", all tickets incl. closed, recently updated first, p95", Value: percentile(all, 0.95), Unit: "ms", Goal: "< 30"})

}

// session measures durable creates and the memory held after a long session of edits,
// on a copy of the small dataset (so the kept dataset does not grow from run to run).
func (r *Report) session(ctx context.Context, dir string, log *slog.Logger) {
	work, err := os.MkdirTemp(filepath.Dir(dir), "session-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(work)
	if err := exec.Command("cp", "-a", dir+"/.", work).Run(); err != nil {
		fail(err)
	}
	// The copy and the previous step's closing writes (Badger flushing a memtable of the
	// 100k dataset) are still going to the disk: let them land first, so the creates'
	// synced writes are timed against this app's own work only.
	syscall.Sync()
	a, _ := openApp(ctx, work, log)
	defer a.Close()
	// Creates are measured once the app has finished loading (every ticket in the
	// queue, the search index current), as when a technician logs a call: while it
	// loads, the loader has both cores.
	if _, err := a.Tickets.Queue(queue.Filter{IncludeClosed: true, Limit: 1}); err != nil {
		fail(err)
	}
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if st, err := a.Search.Status(); err != nil || st.Ready {
			break
		}
	}
	var lat []time.Duration
	var ids []string
	for i := range 1000 { // enough for a steady p99
		began := time.Now()
		t, err := a.Tickets.Create(ticket.NewTicket{Title: fmt.Sprintf("Benchmark ticket %d: printer offline", i), Category: "printing"})
		if err != nil {
			fail(err)
		}
		lat = append(lat, time.Since(began))
		ids = append(ids, t.ID)
	}
	r.add(Figure{Name: "durable create through the app, after loading (ticket, synced commit, indexes) p50", Value: percentile(lat, 0.5), Unit: "ms"})
	r.add(Figure{Name: "durable create through the app, after loading, p99", Value: percentile(lat, 0.99), Unit: "ms", Goal: "< 5"})
	edit := func(i int) {
		id := ids[i%len(ids)]
		var err error
		switch i % 4 {
		case 0:
			_, err = a.Tickets.Comment(id, fmt.Sprintf("Checked again, round %d", i), false)
		case 1:
			_, err = a.Tickets.LogWork(id, 5, "remote session")
		case 2:
			_, err = a.Tickets.Queue(queue.Filter{Sort: queue.SortSLA, Limit: 200})
		case 3:
			_, err = a.Tickets.Get(id)
		}
		if err != nil {
			fail(err)
		}
	}
	heap := func() float64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	// Caches (Badger's block cache, the search index) fill during the first rounds; a
	// leak shows as growth that continues round after round. Badger allocates each
	// 64 MB memtable whole and frees the old one once flushed, so one round may jump by
	// +-64 MB: the median of the rounds' growth sees through that step, a leak does not hide in it.
	const rounds, per = 7, 2500
	var heaps []float64
	for round := range rounds {
		for i := range per {
			edit(round*per + i)
		}
		heaps = append(heaps, heap())
	}
	var growth []float64
	for i := 2; i < rounds; i++ { // the first round warms the caches
		growth = append(growth, heaps[i]-heaps[i-1])
	}
	slices.Sort(growth)
	r.add(Figure{Name: fmt.Sprintf("heap growth per round of %d edits and queries, median of rounds 3-%d (10k tickets)", per, rounds), Value: growth[len(growth)/2], Unit: "MB", Goal: "< 8",
		Note: fmt.Sprintf("heap after each round: %.0f MB", heaps)})
}
