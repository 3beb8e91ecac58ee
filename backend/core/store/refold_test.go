package store

import (
	"context"
	"testing"

	"outpost/backend/core/change"
)

// requireFolded checks that the stored record of kind/id equals the fold of its whole history.
func requireFolded(t *testing.T, s *Store, kind, id string) change.Record {
	t.Helper()
	rec, err := s.Get(kind, id)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(kind, id)
	if err != nil {
		t.Fatal(err)
	}
	want := change.Fold(hist)
	a, _ := rec.Encode()
	b, _ := want.Encode()
	if string(a) != string(b) {
		t.Fatalf("stored record differs from the fold of its history\n got %s\nwant %s", a, b)
	}
	return rec
}

// TestRecordsFoldedInPlaceEqualFullFolds writes several actions to the same records in one
// transaction and across transactions (the records are extended, not refolded) and checks
// each stored record against a fold of its history.
func TestRecordsFoldedInPlaceEqualFullFolds(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	edit := func(tx *Tx, id string, i int) error {
		rec, _ := tx.Get("ticket", id)
		c, _ := change.Append("comments", i)
		ops := []change.Op{set(t, "status", i, rec.Heads("status")), c}
		if i%3 == 0 {
			ops = append(ops, change.Op{Op: change.OpAdd, Field: "tags", Elem: "vpn"})
		}
		if adds := rec.Adds("tags", "vpn"); i%5 == 0 && len(adds) > 0 {
			ops = append(ops, change.Op{Op: change.OpRemove, Field: "tags", Elem: "vpn", Replaces: adds})
		}
		_, err := tx.Write("ticket", id, ops)
		return err
	}
	for round := range 4 {
		_, err := s.Update(ctx, "u", func(tx *Tx) error {
			for i := range 30 {
				if err := edit(tx, []string{"a", "b", "c"}[i%3], round*30+i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"a", "b", "c"} {
		t.Run(id, func(t *testing.T) {
			rec := requireFolded(t, s, "ticket", id)
			if n := len(rec.Items["comments"]); n != 40 {
				t.Fatalf("%d comments, want 40", n)
			}
		})
	}
}

// TestTangledRecordIsFoldedWhole: a peer names a write this device has not made yet
// (only a forged or broken peer can). When this device then makes that write, the
// record must still equal the fold of every change, as on any replica that received
// them in another order, so such a record is never extended.
func TestTangledRecordIsFoldedWhole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := openTest(t), openTest(t)
	write := func(s *Store, op change.Op) {
		t.Helper()
		if _, err := s.Update(ctx, "u", func(tx *Tx) error { _, err := tx.Write("ticket", "t1", []change.Op{op}); return err }); err != nil {
			t.Fatal(err)
		}
	}
	sync := func(from, to *Store) {
		t.Helper()
		have, _ := to.Vector()
		cs, _ := from.ChangesAfter(have, 1<<20)
		if res, err := to.Apply(cs); err != nil || len(res.Rejected) > 0 {
			t.Fatalf("apply: %v %+v", err, res.Rejected)
		}
	}
	write(a, set(t, "status", "new", nil))
	sync(a, b)
	sync(b, a)
	next := change.ID{Device: a.Device().ID, Seq: 3} // a's next write on t1 (1 registered a, 2 wrote "new")
	rec, _ := b.Get("ticket", "t1")
	write(b, set(t, "status", "forged", append(rec.Heads("status"), next)))
	sync(b, a)
	rec, _ = a.Get("ticket", "t1")
	write(a, set(t, "status", "closed", rec.Heads("status")))
	// The two writes replace each other: every write of status is a head again, as a
	// fold of all changes says; extending the record would have kept "closed" alone.
	got := requireFolded(t, a, "ticket", "t1")
	if f := got.Fields["status"]; len(f.Heads) != 3 {
		t.Fatalf("status heads = %v, want all three writes", f.Heads)
	}
	sync(a, b)
	ha, _ := a.StateHash()
	hb, _ := b.StateHash()
	if ha != hb {
		t.Fatal("replicas differ")
	}
}
