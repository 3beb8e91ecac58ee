package queue

import (
	"context"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// seedTickets creates n tickets, two in three resolved, and returns their IDs.
func seedTickets(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	var ids []string
	for i := range n {
		tk, err := svc.Create(ctx, "a", ticket.NewTicket{Title: fmt.Sprint("Ticket ", i), Category: "network", Impact: ticket.High})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
		if i%3 > 0 {
			if _, err := svc.Resolve(ctx, "a", tk.ID, "fixed", "fixed it"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// rows lists a query's answer in a comparable form.
func rows(x *Index, f Filter) []ticket.Summary {
	var out []ticket.Summary
	for _, r := range x.Query(f).Tickets {
		out = append(out, r.Summary)
	}
	return out
}

func sameRows(t *testing.T, what string, got, want []ticket.Summary) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Title != w.Title || g.Status != w.Status || g.Priority != w.Priority ||
			!g.Created.Equal(w.Created) || !g.Updated.Equal(w.Updated) || !reflect.DeepEqual(g.Tags, w.Tags) {
			t.Fatalf("%s: row %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func TestSnapshotStartsTheOpenQueue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := openStore(t, dir)
	seedTickets(t, st, 60)
	path := SnapshotPath(dir)

	first := StartWith(st, Options{Snapshot: path})
	if err := first.Err(); err != nil {
		t.Fatal(err)
	}
	if first.usedSnapshot {
		t.Fatal("used a snapshot that was never written")
	}
	first.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no snapshot written at close: %v", err)
	}

	again := StartWith(st, Options{Snapshot: path})
	defer again.Close()
	x := buildFresh(t, st)
	open := Filter{Sort: "age"}
	sameRows(t, "open queue from the snapshot", rows(again, open), rows(x, open))
	if err := again.Err(); err != nil {
		t.Fatal(err)
	}
	if !again.usedSnapshot {
		t.Fatal("the snapshot taken at this very vector was not used")
	}
	all := Filter{IncludeClosed: true, Sort: "age"}
	sameRows(t, "every ticket after loading", rows(again, all), rows(x, all))
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a used snapshot stays on disk until the next close: %v", err)
	}
}

func TestStaleOrBrokenSnapshotIsIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := openStore(t, dir)
	ids := seedTickets(t, st, 30)
	path := SnapshotPath(dir)
	x := StartWith(st, Options{Snapshot: path})
	if err := x.Err(); err != nil {
		t.Fatal(err)
	}
	x.Close()

	// The store moves on while no index watches (another start, a restore, a sync):
	// ticket 0 is resolved, so the snapshot's open queue is out of date.
	if _, err := ticket.NewService(st, nil).Resolve(context.Background(), "a", ids[0], "fixed", "fixed"); err != nil {
		t.Fatal(err)
	}
	stale := StartWith(st, Options{Snapshot: path})
	for _, r := range rows(stale, Filter{}) {
		if r.ID == ids[0] {
			t.Fatal("the stale snapshot's open ticket is in the queue")
		}
	}
	if err := stale.Err(); err != nil {
		t.Fatal(err)
	}
	if stale.usedSnapshot {
		t.Fatal("used a snapshot taken at another vector")
	}
	stale.Close()

	if err := os.WriteFile(path, []byte("not a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := StartWith(st, Options{Snapshot: path})
	defer broken.Close()
	if err := broken.Err(); err != nil || broken.usedSnapshot {
		t.Fatalf("broken snapshot: err %v, used %v", err, broken.usedSnapshot)
	}
	sameRows(t, "queue after a broken snapshot", rows(broken, Filter{IncludeClosed: true, Sort: "age"}),
		rows(buildFresh(t, st), Filter{IncludeClosed: true, Sort: "age"}))
}

// A snapshot whose entries differ from what the store's tickets give (an older build
// derived them differently) is corrected by the load that follows it.
func TestSnapshotEntriesAreReplacedByTheStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := openStore(t, dir)
	seedTickets(t, st, 9)
	path := SnapshotPath(dir)
	x := StartWith(st, Options{Snapshot: path})
	if err := x.Err(); err != nil {
		t.Fatal(err)
	}
	x.Close()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var s snapshot
	err = gob.NewDecoder(f).Decode(&s)
	f.Close()
	if err != nil || len(s.Entries) != 3 {
		t.Fatalf("snapshot: %v, %d entries (want the 3 open tickets)", err, len(s.Entries))
	}
	for i := range s.Entries {
		s.Entries[i].Summary.Title = "derived differently"
	}
	out, err := os.Create(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := gob.NewEncoder(out).Encode(&s); err != nil {
		t.Fatal(err)
	}
	out.Close()

	again := StartWith(st, Options{Snapshot: path})
	defer again.Close()
	if err := again.Err(); err != nil || !again.usedSnapshot {
		t.Fatalf("err %v, used %v", err, again.usedSnapshot)
	}
	for _, r := range rows(again, Filter{}) {
		if r.Title == "derived differently" {
			t.Fatalf("the snapshot's entry %s survived loading", r.ID)
		}
	}
}

// buildFresh builds an index from the store alone, for comparison.
func buildFresh(t *testing.T, st *store.Store) *Index {
	t.Helper()
	x, err := Build(st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x
}

// A snapshot's entries are what the store's tickets give, field for field (an empty
// tag list stays a list: the window reads "tags": []).
func TestSnapshotEntriesEqualTheStores(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := openStore(t, dir)
	seedTickets(t, st, 12)
	path := SnapshotPath(dir)
	x := StartWith(st, Options{Snapshot: path})
	if err := x.Err(); err != nil {
		t.Fatal(err)
	}
	x.Close()
	now, err := st.Vector()
	if err != nil {
		t.Fatal(err)
	}
	snap, ok := readSnapshot(path, now)
	if !ok || len(snap) != 4 {
		t.Fatalf("snapshot: ok %v, %d entries (want the 4 open tickets)", ok, len(snap))
	}
	fresh := buildFresh(t, st)
	for _, got := range snap {
		want, ok := fresh.items.get(got.ID)
		if !ok {
			t.Fatalf("%s is not in the store", got.ID)
		}
		if !reflect.DeepEqual(got.Summary, want.Summary) || got.search != want.search || got.created != want.created ||
			got.updated != want.updated || got.idKey != want.idKey {
			t.Fatalf("snapshot entry %+v %q\nstore entry %+v %q", got.Summary, got.search, want.Summary, want.search)
		}
	}
}
