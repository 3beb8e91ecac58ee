package store

import (
	"context"
	"fmt"
	"testing"

	"outpost/backend/core/change"
)

// A record stored before this start, or written while the stored keys were being read,
// or after a filter filled up, is still found when a change extends it: nothing it held
// is folded away. A record never written is ruled out without a lookup.
func TestChangesExtendRecordsHeldBeforeTheFilter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	write := func(s *Store, id, field, value string) {
		t.Helper()
		if _, err := s.Update(ctx, "alice", func(tx *Tx) error {
			_, err := tx.Write("ticket", id, []change.Op{set(t, field, value, nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(s *Store, id, title, status string) {
		t.Helper()
		rec, err := s.Get("ticket", id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.String("title") != title || rec.String("status") != status {
			t.Fatalf("%s: title %q, status %q; want %q, %q", id, rec.String("title"), rec.String("status"), title, status)
		}
	}
	s, err := Open(ctx, Options{Dir: dir, DeviceName: "test", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		write(s, fmt.Sprint("t", i), "title", fmt.Sprint("Printer ", i))
	}
	s.Close()

	s = openAt(t, dir)
	write(s, "t0", "status", "open") // starts reading the stored keys; until then every key may be held
	check(s, "t0", "Printer 0", "open")

	// A record written while the keys are read is noted and added with them.
	s.writeMu.Lock()
	s.held.reading.Wait()
	if !s.held.building || len(s.held.filters) != 0 {
		t.Fatalf("after the first write: building %v, %d filters", s.held.building, len(s.held.filters))
	}
	s.heldAdd("ticket/meanwhile")
	s.installHeld()
	for _, k := range []string{"ticket/t1", "ticket/t4", "ticket/meanwhile"} {
		if !s.mayHold(k) {
			t.Errorf("the filter rules out %s, which is held", k)
		}
	}
	if s.mayHold("ticket/never-written") && s.mayHold("ticket/nor-this") && s.mayHold("ticket/nor-that") {
		t.Error("the filter holds every key: it rules nothing out")
	}
	s.held.room = s.held.n // full: the next record written goes into a new filter
	s.writeMu.Unlock()

	write(s, "new", "title", "Fresh")
	if n := len(s.held.filters); n != 2 {
		t.Fatalf("a full filter was not followed by another: %d filters", n)
	}
	write(s, "t1", "status", "pending")
	write(s, "new", "status", "open")
	check(s, "t1", "Printer 1", "pending")
	check(s, "new", "Fresh", "open")
}

// Closing the store while it reads the record keys stops the reading.
func TestCloseStopsReadingTheHeldKeys(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), Options{Dir: t.TempDir(), DeviceName: "test", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	s.writeMu.Lock()
	s.startHeld()
	s.writeMu.Unlock()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.held.reading.Wait() // returns: nothing reads a closed store
}
