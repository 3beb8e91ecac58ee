package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/sop"
	"outpost/backend/ticket"
)

func ids(t testing.TB, x *Index, text string) []string {
	t.Helper()
	res, err := x.Search(Query{Text: text, Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}

// The index on disk is reused when it matches the store, caught up from the
// change log when it is behind, and rebuilt when missing, unreadable or ahead.
func TestIndexIsRebuiltOrCaughtUpFromTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	dir := filepath.Join(data, "index")
	st := storetest.OpenWith(t, store.Options{Dir: filepath.Join(data, "db")})
	defer st.Close()
	f := loadCorpus(t, st)

	x := openIndex(t, st, dir)
	if s := x.Status(); !s.Ready || !s.Rebuilt || s.Docs != uint64(len(f.c.Tickets)+len(f.c.SOPs)) {
		t.Fatalf("first open: %+v", s)
	}
	want := ids(t, x, "vpn")
	if len(want) != 6 {
		t.Fatalf("vpn matched %d records", len(want))
	}
	// A commit of another kind only moves the vector; Close records it.
	if _, err := st.Update(ctx, "alice", func(tx *store.Tx) error {
		op, err := change.Set("text", "not searchable", nil)
		if err != nil {
			return err
		}
		_, err = tx.Write("note", "n1", []change.Op{op})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	flush(t, x)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("reopened as it was", func(t *testing.T) {
		x := openIndex(t, st, dir)
		defer x.Close()
		if s := x.Status(); s.Rebuilt || s.Docs != 10 {
			t.Fatalf("status = %+v", s)
		}
		if got := ids(t, x, "vpn"); !slices.Equal(got, want) {
			t.Fatalf("vpn = %v, want %v", got, want)
		}
	})

	t.Run("behind the store: catches up", func(t *testing.T) {
		tk, err := f.tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Docking station flickers", Description: "USB-C dock, VPN unaffected"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.tickets.Delete(ctx, "alice", f.ids["T-wifi"]); err != nil {
			t.Fatal(err)
		}
		sp, _ := f.sops.Get(f.ids["S-onboarding"])
		if _, err := f.sops.Save(ctx, "bob", sp.ID, sp.Title, "- Enrol the laptop in MDM\n- Add the printer", []string{sp.Current}, "VPN no longer needed"); err != nil {
			t.Fatal(err)
		}
		x := openIndex(t, st, dir)
		defer x.Close()
		if s := x.Status(); s.Rebuilt {
			t.Fatalf("status = %+v, want a catch-up", s)
		}
		expect := slices.DeleteFunc(slices.Clone(want), func(id string) bool { return id == f.ids["T-wifi"] || id == f.ids["S-onboarding"] })
		expect = append(expect, tk.ID)
		slices.Sort(expect)
		if got := ids(t, x, "vpn"); !slices.Equal(got, expect) {
			t.Fatalf("vpn after catch-up = %v, want %v", got, expect)
		}
		want = expect
	})

	t.Run("missing: rebuilt", func(t *testing.T) {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		x := openIndex(t, st, dir)
		defer x.Close()
		if s := x.Status(); !s.Rebuilt {
			t.Fatalf("status = %+v", s)
		}
		if got := ids(t, x, "vpn"); !slices.Equal(got, want) {
			t.Fatalf("vpn = %v, want %v", got, want)
		}
	})

	t.Run("unreadable: rebuilt", func(t *testing.T) {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		x := openIndex(t, st, dir)
		defer x.Close()
		if s := x.Status(); !s.Rebuilt {
			t.Fatalf("status = %+v", s)
		}
		if got := ids(t, x, "vpn"); !slices.Equal(got, want) {
			t.Fatalf("vpn = %v, want %v", got, want)
		}
	})
}

// An index ahead of its store (a store restored from an older backup) is rebuilt.
func TestIndexAheadOfTheStoreIsRebuilt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	dir := filepath.Join(data, "index")
	st := storetest.OpenWith(t, store.Options{Dir: filepath.Join(data, "db")})
	s := sop.NewService(st, nil)
	if _, err := s.Create(ctx, "alice", sop.NewSOP{Title: "Badge printer ribbon"}); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, st, dir)
	x.Close()
	st.Close()

	other := storetest.Open(t) // a different replica: the index's vector is not covered
	defer other.Close()
	x = openIndex(t, other, dir)
	defer x.Close()
	if s := x.Status(); !s.Rebuilt || s.Docs != 0 {
		t.Fatalf("status = %+v", s)
	}
	if got := ids(t, x, "ribbon"); len(got) != 0 {
		t.Fatalf("stale documents survived: %v", got)
	}
}

// Changes from a peer, applied through store.Apply, reach the index.
func TestRemoteChangesAreIndexed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := storetest.Open(t)
	defer a.Close()
	b := storetest.Open(t)
	defer b.Close()
	x := openIndex(t, b, "")
	defer x.Close()
	send := func() {
		t.Helper()
		have, _ := b.Vector()
		cs, err := a.ChangesAfter(have, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Apply(cs); err != nil {
			t.Fatal(err)
		}
		flush(t, x)
	}
	ts, ss := ticket.NewService(a, nil), sop.NewService(a, nil)
	tk, err := ts.Create(ctx, "alice", ticket.NewTicket{Title: "Scanner sends blank pages"})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ss.Create(ctx, "alice", sop.NewSOP{Title: "Scanner calibration", Body: "Run the calibration sheet."})
	if err != nil {
		t.Fatal(err)
	}
	send()
	if got := ids(t, x, "scanner"); len(got) != 2 {
		t.Fatalf("after first sync: %v", got)
	}
	if _, err := ts.Comment(ctx, "bob", tk.ID, "Toner cartridge was empty", false); err != nil {
		t.Fatal(err)
	}
	title := "Blank pages from the copier"
	if _, err := ts.Update(ctx, "bob", tk.ID, ticket.Patch{Title: &title}); err != nil {
		t.Fatal(err)
	}
	if err := ss.Delete(ctx, "bob", sp.ID); err != nil {
		t.Fatal(err)
	}
	send()
	tests := []struct {
		text string
		want []string
	}{
		{"scanner", []string{}},
		{"copier", []string{tk.ID}},
		{"toner", []string{tk.ID}},
		{"calibration", []string{}},
	}
	for _, tt := range tests {
		if got := ids(t, x, tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%q after remote edits = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestFlushAfterCloseReturns(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	x := openIndex(t, st, "")
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ticket.NewService(st, nil).Create(context.Background(), "a", ticket.NewTicket{Title: "after close"}); err != nil {
		t.Fatal(err)
	}
	if err := x.Flush(context.Background()); err != nil && err != errStopped {
		t.Fatalf("Flush after Close = %v", err)
	}
}

// Closing the index stops its worker and bleve's own goroutines (on-disk index).
func TestCloseLeavesNoGoroutines(t *testing.T) {
	st := storetest.Open(t)
	defer st.Close()
	dir := filepath.Join(t.TempDir(), "index")
	before := runtime.NumGoroutine()
	x := openIndex(t, st, dir)
	if _, err := ticket.NewService(st, nil).Create(context.Background(), "a", ticket.NewTicket{Title: "printer offline"}); err != nil {
		t.Fatal(err)
	}
	flush(t, x)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestFloodIsIndexedBehindTheData: while records keep arriving in bulk (a new device's
// first catch-up), the index waits instead of re-indexing every second beside the
// writes, says how many records it has still to index, and indexes them once the flood stops.
func TestFloodIsIndexedBehindTheData(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	x := openIndex(t, st, "")
	defer x.Close()
	write := func(from, n int) {
		t.Helper()
		if _, err := st.Update(context.Background(), "import", func(tx *store.Tx) error {
			for i := from; i < from+n; i++ {
				op, _ := change.Set("title", fmt.Sprintf("Flooded printer %d", i), nil)
				if _, err := tx.Write("ticket", fmt.Sprint("f", i), []change.Op{op}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	write(0, bulkPending)
	for i := range 8 { // the flood goes on for 2 s, longer than settleMost
		time.Sleep(250 * time.Millisecond)
		write(bulkPending+i*10, 10)
	}
	if st := x.Status(); st.Docs != 0 || st.Pending < bulkPending {
		t.Fatalf("during the flood the index holds %d documents with %d pending; want it waiting behind the data", st.Docs, st.Pending)
	}
	flush(t, x)
	if got := len(ids(t, x, "flooded")); got < 20 { // ids returns one page
		t.Fatalf("after the flood %d documents match", got)
	}
	if st := x.Status(); st.Docs != uint64(bulkPending+80) || st.Pending != 0 {
		t.Fatalf("after the flood: %+v", st)
	}
}

// An index closed while it indexes a flood stops between batches and keeps its
// marker where the documents are known to be: the next start indexes the rest.
func TestCloseDuringAFloodLosesNoDocument(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	dir := t.TempDir()
	x := openIndex(t, st, dir)
	const n = 6 * batchSize
	for from := 0; from < n; from += batchSize {
		if _, err := st.Update(context.Background(), "import", func(tx *store.Tx) error {
			for i := from; i < from+batchSize; i++ {
				op, _ := change.Set("title", fmt.Sprintf("Flooded scanner %d", i), nil)
				if _, err := tx.Write("ticket", fmt.Sprint("s", i), []change.Op{op}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(time.Minute); x.Status().Docs == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the flood was not indexed within a minute")
		}
	}
	if docs := x.Status().Docs; docs >= n {
		t.Skipf("the flood was indexed whole (%d documents) before the close could interrupt it", docs)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x = openIndex(t, st, dir)
	defer x.Close()
	if got := x.Status().Docs; got != n {
		t.Fatalf("after a close during the flood and a new start the index holds %d documents, want %d", got, n)
	}
}
