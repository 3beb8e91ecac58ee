package store

import (
	"context"
	"fmt"
	"testing"

	"outpost/backend/core/change"
)

// A record stored before this start, or before the filter of held records grew, is
// still found when a change extends it: nothing it held is folded away.
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

	s = openAt(t, dir) // the filter is built from the stored keys at the first write
	write(s, "t0", "status", "open")
	write(s, "new", "title", "Fresh")
	check(s, "t0", "Printer 0", "open")
	if s.mayHold("ticket/never-written") && s.mayHold("ticket/nor-this") && s.mayHold("ticket/nor-that") {
		t.Fatal("the filter holds every key: it rules nothing out")
	}
	s.held.room = s.held.n // the next record written outgrows it: it is rebuilt before the write after
	write(s, "t1", "status", "pending")
	if s.held.f != nil {
		t.Fatal("a filter past its room was kept")
	}
	write(s, "t2", "status", "closed")
	write(s, "t1", "status", "open")
	check(s, "t1", "Printer 1", "open")
	check(s, "t2", "Printer 2", "closed")
	check(s, "new", "Fresh", "")
}
