package csvio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

// bigFile is a Zammad-shaped export of n tickets whose descriptions take about
// descBytes each, so that a few thousand rows pass Badger's transaction limit.
func bigFile(n, descBytes int) string {
	var b strings.Builder
	b.WriteString("Number,Title,State,Priority,Customer,Created at,Owner,Group,Note\n")
	desc := strings.Repeat("paper jam on tray two, ", descBytes/23+1)[:descBytes]
	for i := range n {
		fmt.Fprintf(&b, "%d,\"Printer %d, floor %d\",%s,2 normal,Zoë Müller,2024-%02d-%02dT09:%02d:00Z,Pedro,Service desk,\"%s\"\n",
			10000+i, i, i%7, []string{"new", "open", "closed", "pending reminder"}[i%4], i%12+1, i%28+1, i%60, desc)
	}
	return b.String()
}

func countTickets(t *testing.T, st *store.Store) (n int, conflicts int) {
	t.Helper()
	err := st.Scan(ticket.Kind, func(r change.Record) error {
		n++
		if len(r.Conflicts()) > 0 {
			conflicts++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, conflicts
}

func TestImportOfAnySizeTwiceGivesTheSameTickets(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	svc := ticket.NewService(st, nil)
	file := bigFile(3000, 600) // about 2 MB: beyond one transaction of this store
	res, err := importString(st, svc, file, Options{System: "zammad"}, false)
	if err != nil || res.Imported != 3000 {
		t.Fatalf("first import = %+v, %v", res, err)
	}
	if n, _ := countTickets(t, st); n != 3000 {
		t.Fatalf("%d tickets after the first import", n)
	}
	before, _ := st.StateHash()
	res, err = importString(st, svc, file, Options{System: "zammad"}, false)
	if err != nil || res.Imported != 0 || res.Unchanged != 3000 {
		t.Fatalf("second import = %+v, %v", res, err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("a re-import of the same file changed the replica")
	}
	// A newer export: one ticket closed since. It is updated, not duplicated.
	newer := strings.Replace(file, "10001,\"Printer 1, floor 1\",open", "10001,\"Printer 1, floor 1\",closed", 1)
	res, err = importString(st, svc, newer, Options{System: "zammad"}, false)
	if err != nil || res.Imported != 1 || res.Unchanged != 2999 {
		t.Fatalf("newer export = %+v, %v", res, err)
	}
	tk, err := svc.Get(TicketID("zammad", "10001"))
	if err != nil || tk.Status != ticket.StatusClosed || tk.Number != "ZAMMAD-10001" {
		t.Fatalf("updated ticket = %+v, %v", tk.Summary, err)
	}
	if n, _ := countTickets(t, st); n != 3000 {
		t.Fatalf("%d tickets after the newer export", n)
	}
}

func TestTwoReplicasImportingOneFileConcurrentlyConverge(t *testing.T) {
	t.Parallel()
	file := bigFile(1500, 300)
	a, b := storetest.Open(t), storetest.Open(t)
	var wg sync.WaitGroup
	for _, st := range []*store.Store{a, b} {
		wg.Go(func() {
			if _, err := importString(st, ticket.NewService(st, nil), file, Options{System: "zammad"}, false); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	storetest.Sync(t, a, b)
	ha, _ := a.StateHash()
	hb, _ := b.StateHash()
	if ha != hb {
		t.Fatal("replicas differ after sync")
	}
	if n, c := countTickets(t, a); n != 1500 || c != 0 {
		t.Fatalf("%d tickets, %d with conflicts; want 1500 and none", n, c)
	}
}

// TestKilledImportFinishesWhenRunAgain kills a process importing a file with SIGKILL
// in the middle, then imports the file again: the replica holds exactly its tickets.
func TestKilledImportFinishesWhenRunAgain(t *testing.T) {
	if dir := os.Getenv("OUTPOST_IMPORT_CHILD"); dir != "" {
		importChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	const n = 20000
	path := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(path, []byte(bigFile(n, 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledImportFinishesWhenRunAgain$")
	cmd.Env = append(os.Environ(), "OUTPOST_IMPORT_CHILD="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() { // kill once a few batches are in
		var rows int
		if _, err := fmt.Sscanf(sc.Text(), "rows %d", &rows); err == nil && rows >= 3000 {
			break
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	go io.Copy(io.Discard, out)
	_ = cmd.Wait()
	st := storetest.OpenWith(t, store.Options{Dir: filepath.Join(dir, "data")})
	partial, _ := countTickets(t, st)
	if partial == 0 || partial >= n {
		t.Fatalf("%d tickets after the kill: the import was not stopped in the middle", partial)
	}
	src := func() (io.ReadCloser, error) { return os.Open(path) }
	res, err := Import(context.Background(), st, ticket.NewService(st, nil), "alice", src, Options{System: "zammad"}, false, Known{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := countTickets(t, st); got != n || res.Imported+res.Unchanged != n || res.Imported != n-partial {
		t.Fatalf("after re-import: %d tickets, %+v; %d were in before", got, res, partial)
	}
	t.Logf("killed after %d tickets; the re-run wrote %d", partial, res.Imported)
}

func importChild(dir string) {
	st, err := store.Open(context.Background(), store.Options{Dir: filepath.Join(dir, "data"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	src := func() (io.ReadCloser, error) { return os.Open(filepath.Join(dir, "export.csv")) }
	_, err = Import(context.Background(), st, ticket.NewService(st, nil), "alice", src, Options{System: "zammad"}, false, Known{},
		func(p Progress) { fmt.Printf("rows %d\n", p.Rows) })
	fmt.Println("done", err)
	time.Sleep(time.Minute) // wait to be killed
}

// TestCancelledImportIsWholeAndFinishesWhenRunAgain cancels an import part way: the
// tickets written are the batches it counts, each whole, and importing the file again
// writes the rest, so the replica holds exactly the file's tickets.
func TestCancelledImportIsWholeAndFinishesWhenRunAgain(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	svc := ticket.NewService(st, nil)
	const n = 6000
	file := bigFile(n, 400)
	src := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(file)), nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Import(ctx, st, svc, "alice", src, Options{System: "zammad"}, false, Known{}, func(p Progress) {
		if p.Rows >= 2000 {
			cancel()
		}
	})
	if !errors.Is(err, ErrCancelled) || !res.Cancelled || res.Total != n {
		t.Fatalf("cancelled import = %+v, %v", res, err)
	}
	partial, conflicts := countTickets(t, st)
	if partial != res.Imported || partial == 0 || partial >= n || conflicts != 0 {
		t.Fatalf("%d tickets (%d with conflicts) after a cancel that reported %+v", partial, conflicts, res)
	}
	for i := range n {
		tk, err := svc.Get(TicketID("zammad", fmt.Sprint(10000+i)))
		if errors.Is(err, ticket.ErrNotFound) {
			continue
		}
		if err != nil || tk.Title != fmt.Sprintf("Printer %d, floor %d", i, i%7) || tk.Origin == nil || len(tk.Comments) != 1 || len(tk.Comments[0].Body) != 400 {
			t.Fatalf("ticket %d after the cancel is not whole: %+v, %v", i, tk.Summary, err)
		}
	}
	res, err = Import(context.Background(), st, svc, "alice", src, Options{System: "zammad"}, false, Known{}, nil)
	if err != nil || res.Cancelled || res.Imported != n-partial || res.Unchanged != partial {
		t.Fatalf("re-run = %+v, %v; %d were in before", res, err, partial)
	}
	if got, _ := countTickets(t, st); got != n {
		t.Fatalf("%d tickets after the re-run, want %d", got, n)
	}
}
