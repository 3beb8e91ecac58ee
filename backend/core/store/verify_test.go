package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"outpost/backend/core/change"
)

// TestLargeApplyChecksEverySignature covers batches large enough for their
// signatures to be checked ahead, in parallel: admit must decide exactly as it
// does one change at a time.
func TestLargeApplyChecksEverySignature(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 3 * minParallel
	src := openTest(t)
	for i := range n {
		if _, err := src.Update(ctx, "alice", func(tx *Tx) error {
			_, err := tx.Write("ticket", fmt.Sprint("t", i%7), []change.Op{set(t, "note", i, nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := src.ChangesAfter(Vector{}, 1<<30)
	if err != nil || len(all) != n+1 {
		t.Fatalf("source holds %d changes, %v", len(all), err)
	}
	dev := src.Device().ID
	tampered := func(at int) []change.Change {
		cs := append([]change.Change(nil), all...)
		cs[at].Ops = []change.Op{set(t, "note", "tampered", nil)}
		return cs
	}
	forged := func(at int) []change.Change {
		cs := append([]change.Change(nil), all...)
		cs[at].Sig = append([]byte(nil), cs[at-1].Sig...)
		return cs
	}
	tests := []struct {
		name       string
		registered bool // the source's registration is applied first, in a batch of its own
		batch      []change.Change
		applied    int
		rejected   uint64 // sequence of the one rejected change, 0 if none
	}{
		{"registration in the same batch", false, all, n + 1, 0},
		{"key already known", true, all[1:], n, 0},
		{"tampered value in the middle", true, tampered(n / 2)[1:], n/2 - 1, uint64(n/2 + 1)},
		{"signature of another change", true, forged(n - 1)[1:], n - 2, uint64(n)},
		{"tampered with the key in the same batch", false, tampered(5), 5, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := openTest(t)
			if tt.registered {
				if res, err := dst.Apply(all[:1]); err != nil || res.Applied != 1 {
					t.Fatalf("registration = %+v, %v", res, err)
				}
			}
			res, err := dst.Apply(tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			if res.Applied != tt.applied {
				t.Errorf("applied %d, want %d (%+v)", res.Applied, tt.applied, res)
			}
			switch {
			case tt.rejected == 0 && len(res.Rejected) != 0:
				t.Errorf("rejected %v", res.Rejected)
			case tt.rejected != 0 && (len(res.Rejected) != 1 || res.Rejected[0].ID.Seq != tt.rejected ||
				!errors.Is(res.Rejected[0].Err, change.ErrBadSignature)):
				t.Errorf("rejected %v, want only seq %d for a bad signature", res.Rejected, tt.rejected)
			}
			v, _ := dst.Vector()
			if want := uint64(tt.applied); !tt.registered && v[dev] != want || tt.registered && v[dev] != want+1 {
				t.Errorf("vector holds %d of %s, applied %d", v[dev], dev, tt.applied)
			}
		})
	}
}

// TestLargeApplyFromRemovedDeviceIsRefused: a removed device's later changes are
// refused even though their signatures are good.
func TestLargeApplyFromRemovedDeviceIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead, lost := openTest(t), openTest(t)
	reg, _ := lost.ChangesAfter(Vector{}, 1<<20)
	if res, err := lead.Apply(reg); err != nil || res.Applied != 1 {
		t.Fatalf("registration = %+v, %v", res, err)
	}
	if _, err := lead.Update(ctx, "lead", func(tx *Tx) error {
		rec, err := tx.Get(KindDevice, lost.Device().ID)
		if err != nil {
			return err
		}
		_, err = tx.Write(KindDevice, lost.Device().ID, []change.Op{
			set(t, change.FieldDeleted, true, rec.Heads(change.FieldDeleted)),
			set(t, FieldRevokedAfter, 1, nil),
		})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 * minParallel {
		if _, err := lost.Update(ctx, "x", func(tx *Tx) error {
			_, err := tx.Write("ticket", fmt.Sprint("t", i), []change.Op{set(t, "title", "after removal", nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	later, _ := lost.ChangesAfter(Vector{lost.Device().ID: 1}, 1<<30)
	res, err := lead.Apply(later)
	if err != nil || res.Applied != 0 || len(res.Rejected) == 0 || !errors.Is(res.Rejected[0].Err, ErrRevoked) {
		t.Fatalf("Apply from removed device = applied %d, rejected %d, %v", res.Applied, len(res.Rejected), err)
	}
}
