package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"outpost/backend/queue"
)

// importFiles measures moving in: a 100k-row export in each of two tools' shapes
// (Zammad's ticket sheet, Jira Service Management's CSV with repeated Comment
// columns) imported with `outpost import` into a new replica, on two cores
// (GOMAXPROCS=2), with its peak resident memory; then the app opened on the result
// until the queue holds every ticket and the search index is current. Last, an
// export of large rows (a million) is imported for its peak memory.
func (r *Report) importFiles(ctx context.Context, root string, n, large int, profile bool, log *slog.Logger) {
	bin, err := cliBinary(root)
	if err != nil {
		r.add(Figure{Name: "import", Note: "skipped: go build: " + err.Error()})
		return
	}
	for _, shape := range []string{"zammad", "jsm"} {
		dir, ok := r.importFile(bin, root, shape, n, "< 10", profile)
		if !ok {
			continue
		}
		began := time.Now()
		a, _ := openApp(ctx, dir, log)
		q, err := a.Tickets.Queue(queue.Filter{IncludeClosed: true, Limit: 1})
		if err != nil {
			fail(err)
		}
		inQueue := time.Since(began)
		ready := time.Duration(0)
		for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if st, err := a.Search.Status(); err != nil || st.Ready {
				ready = time.Since(began)
				break
			}
		}
		a.Close()
		r.add(Figure{Name: "after the import of the " + shape + " file: app open, every ticket in the queue", Value: inQueue.Seconds(), Unit: "s",
			Note: fmt.Sprintf("%d tickets", q.Total)})
		r.add(Figure{Name: "after the import of the " + shape + " file: search index ready", Value: ready.Seconds(), Unit: "s", Goal: "< 15"})
		os.RemoveAll(dir)
	}
	if large > 0 { // memory must stay flat however long the file
		if dir, ok := r.importFile(bin, root, "zammad", large, "", false); ok {
			os.RemoveAll(dir)
		}
	}
}

// importFile writes an export of n rows in shape and imports it with `outpost import`
// into a new replica, adding its time (against goal) and peak resident memory. It
// returns the replica's directory, and false when the import failed.
func (r *Report) importFile(bin, root, shape string, n int, goal string, profile bool) (string, bool) {
	file := filepath.Join(root, fmt.Sprintf("import-%s-%dk.csv", shape, n/1000))
	size, err := writeExport(file, shape, n)
	if err != nil {
		fail(err)
	}
	dir := filepath.Join(root, "import-"+shape)
	os.RemoveAll(dir)
	cmd := exec.Command(bin, "import", file, "--data", dir)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	if profile {
		cmd.Env = append(cmd.Env, profileEnv(root, "import-"+shape)...)
	}
	out, _ := os.Create(filepath.Join(root, "import-"+shape+".log"))
	cmd.Stdout, cmd.Stderr = out, out
	began := time.Now()
	peak := 0.0
	if err = cmd.Start(); err == nil {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		tick := time.NewTicker(50 * time.Millisecond)
	wait:
		for {
			select {
			case err = <-done:
				break wait
			case <-tick.C:
				peak = max(peak, peakRSS(cmd.Process.Pid))
			}
		}
		tick.Stop()
	}
	took := time.Since(began)
	out.Close()
	label := fmt.Sprintf("%s-shaped file, %dk rows (%.0f MB)", shape, n/1000, float64(size)/(1<<20))
	if err != nil {
		r.add(Figure{Name: "import " + label, Note: "failed: " + err.Error() + ", see " + out.Name()})
		return dir, false
	}
	r.add(Figure{Name: "import " + label + " with `outpost import`, 2 cores", Value: took.Seconds(), Unit: "s", Goal: goal,
		Note: fmt.Sprintf("%.0f rows/s", float64(n)/took.Seconds())})
	r.add(Figure{Name: "import " + label + ", peak RSS", Value: peak, Unit: "MB", Note: "VmHWM, read every 50 ms"})
	return dir, true
}

// writeExport writes n realistic rows in a tool's export shape: a year of tickets with
// multi-line descriptions, non-ASCII names, statuses of every kind and, for Jira, comments.
func writeExport(path, shape string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(42, uint64(len(shape))))
	people := []string{"Zoë Müller", "Pedro Álvarez", "Jürgen Weiß", "Ana Costa", "Søren Kierkegaard", "Li Wen", "Márta Nagy", "Björn Ångström"}
	subjects := []string{"Printer on floor %d jams", "VPN drops every %d minutes", "Mailbox full (%d MB)", "Laptop %d will not boot",
		"Access to share %d", "Wi-Fi slow in room %d", "Password reset for account %d", "Phone extension %d dead"}
	body := func() string {
		return fmt.Sprintf("Reported by phone.\nSteps tried: restart, cable check, \"safe mode\".\nStill failing; user %s waits at desk %d, since %d minutes.",
			people[rng.IntN(len(people))], rng.IntN(400), rng.IntN(300))
	}
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	start := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	switch shape {
	case "zammad":
		fmt.Fprintln(w, "#,Title,State,Priority,Group,Owner,Customer,Organization,Create Channel,Sender,Tags,Time Units Total,Created At,Updated At,Closed At,First Response At,Article Count")
	case "jsm":
		fmt.Fprintln(w, "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Resolved,Labels,Labels,Description,Custom field (Request Type),Time Spent,Comment,Comment,Comment")
	}
	for i := range n {
		created := start.Add(time.Duration(rng.IntN(365*24*60)) * time.Minute)
		first := created.Add(time.Duration(rng.IntN(240)+1) * time.Minute)
		done := first.Add(time.Duration(rng.IntN(5*24*60)+10) * time.Minute)
		title := fmt.Sprintf(subjects[i%len(subjects)], rng.IntN(100))
		owner, customer := people[rng.IntN(len(people))], people[rng.IntN(len(people))]
		k := rng.IntN(5)
		switch shape {
		case "zammad":
			state := []string{"new", "open", "pending reminder", "closed", "closed"}[k]
			closed, updated := "", first
			if state == "closed" {
				closed, updated = done.Format("2006-01-02 15:04:05"), done
			}
			fmt.Fprintf(w, "%d,%s,%s,%s,%s,%s,%s,Nordic Ltd,%s,Customer,%s,%d,%s,%s,%s,%s,%d\n", 40000+i, q(title), state,
				[]string{"1 low", "2 normal", "3 high"}[rng.IntN(3)], []string{"Service Desk", "Hardware", "Network"}[rng.IntN(3)],
				owner, customer, []string{"email", "phone", "web"}[rng.IntN(3)], q("vpn, remote"), rng.IntN(120),
				created.Format("2006-01-02 15:04:05"), updated.Format("2006-01-02 15:04:05"), closed, first.Format("2006-01-02 15:04:05"), rng.IntN(9)+1)
		case "jsm":
			status := []string{"Waiting for support", "In Progress", "Waiting for customer", "Resolved", "Closed"}[k]
			resolved, updated := "", first
			if k >= 3 {
				resolved, updated = done.Format("2/Jan/06 3:04 PM"), done
			}
			c := func(at time.Time) string {
				return q(at.Format("2/Jan/06 3:04 PM") + ";" + people[rng.IntN(len(people))] + ";" + body())
			}
			fmt.Fprintf(w, "%s,ITSD-%d,%d,[System] Incident,%s,%s,%s,%s,%s,%s,%s,vpn,remote,%s,Report a system problem,%d,%s,%s,%s\n",
				q(title), 1000+i, 20000+i, status, []string{"Highest", "High", "Medium", "Low"}[rng.IntN(4)], owner, customer,
				created.Format("2/Jan/06 3:04 PM"), updated.Format("2/Jan/06 3:04 PM"), resolved, q(body()), rng.IntN(7200),
				c(first), c(first.Add(time.Hour)), c(updated))
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
