package store

import (
	"context"
	"fmt"
	"testing"

	"outpost/backend/core/change"
)

func pendingOnDisk(t *testing.T, s *Store) int {
	t.Helper()
	n, err := s.Waiting()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A flood of changes that claim invented devices, or sequence numbers far beyond what
// is held, leaves nothing on disk; a genuine device's early change still waits for
// its registration and is applied when it comes.
func TestEarlyChangesAreBounded(t *testing.T) {
	t.Parallel()
	a, b := openTest(t), openTest(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := a.Update(ctx, "alice", func(tx *Tx) error {
			_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", fmt.Sprint("printer ", i), nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := a.ChangesAfter(Vector{}, 1<<20)
	if err != nil || len(all) != 4 {
		t.Fatalf("ChangesAfter = %d changes, %v", len(all), err)
	}
	var flood []change.Change
	for i := range 3 * maxStrangers {
		c := all[1]
		c.Device = fmt.Sprintf("D%015X", i) // a device nobody knows
		c.Seq = uint64(2 + i%100)
		flood = append(flood, c)
	}
	far := all[3]
	far.Seq = 1 << 40 // a real device, far ahead
	flood = append(flood, far)
	bogus := all[0] // a registration that does not verify, under an invented device
	bogus.Device, bogus.Entity = "DBOGUS000000000", "DBOGUS000000000"
	flood = append(flood, bogus)
	for seq := uint64(2); seq < 50; seq++ {
		c := all[1]
		c.Device, c.Seq = bogus.Device, seq
		flood = append(flood, c)
	}
	res, err := b.Apply(flood)
	if err != nil {
		t.Fatal(err)
	}
	if n := pendingOnDisk(t, b); n != 0 {
		t.Fatalf("the flood left %d changes buffered on disk (%+v)", n, res)
	}
	if res.Ahead != 1 || len(res.Rejected) != 1 || len(b.strangers.order) != maxStrangers {
		t.Fatalf("Apply = %d ahead, %d rejected, %d held in memory; want 1, 1 (the bogus registration) and at most %d",
			res.Ahead, len(res.Rejected), len(b.strangers.order), maxStrangers)
	}

	// The genuine device's changes, early and out of order, then its registration.
	if _, err := b.Apply([]change.Change{all[3], all[2]}); err != nil {
		t.Fatal(err)
	}
	if n := pendingOnDisk(t, b); n != 0 {
		t.Fatalf("changes of an unregistered device were buffered on disk: %d", n)
	}
	res, err = b.Apply(all[:2])
	if err != nil || res.Applied != 4 || len(res.Rejected) != 0 {
		t.Fatalf("Apply of the registration = %+v, %v; want all 4 applied", res, err)
	}
	if rec, err := b.Get("ticket", "t1"); err != nil || rec.String("title") != "printer 2" {
		t.Fatalf("record on b = %+v, %v", rec, err)
	}

	// A known device's early change within reach waits on disk, and is released in order.
	for range 2 {
		if _, err := a.Update(ctx, "alice", func(tx *Tx) error {
			_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", "toner", nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	next, _ := a.ChangesAfter(Vector{a.Device().ID: 4}, 1<<20)
	if res, err := b.Apply(next[1:]); err != nil || res.Buffered != 1 || pendingOnDisk(t, b) != 1 {
		t.Fatalf("Apply early = %+v, %v, %d on disk", res, err, pendingOnDisk(t, b))
	}
	if res, err := b.Apply(next[:1]); err != nil || res.Applied != 2 || pendingOnDisk(t, b) != 0 {
		t.Fatalf("Apply the gap = %+v, %v, %d on disk", res, err, pendingOnDisk(t, b))
	}
}
