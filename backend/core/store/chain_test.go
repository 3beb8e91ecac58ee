package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// bulkSource returns a store holding n tickets written by bulk transactions of per
// tickets each, and all of its changes in order.
func bulkSource(t *testing.T, n, per int) (*Store, []change.Change) {
	t.Helper()
	src := openTest(t)
	pad := strings.Repeat("x", 2000)
	for i := 0; i < n; i += per {
		if _, err := src.Update(context.Background(), "import", func(tx *Tx) error {
			tx.Bulk()
			for j := i; j < min(n, i+per); j++ {
				if _, err := tx.Write("ticket", fmt.Sprint("t", j), []change.Op{set(t, "title", fmt.Sprint("ticket ", j), nil), set(t, "body", pad, nil)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := src.ChangesAfter(Vector{}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return src, all
}

func signedCount(cs []change.Change) int {
	n := 0
	for i := range cs {
		if cs[i].Signed() {
			n++
		}
	}
	return n
}

// TestBulkTransactionSignsOncePerRun: a bulk load chains its changes and signs one per
// run of chainSignBytes and its last one, and a replica applying them gets the same state.
func TestBulkTransactionSignsOncePerRun(t *testing.T) {
	t.Parallel()
	src, all := bulkSource(t, 600, 300)
	// About 2.2 KB per change: a signature every ~120 changes, plus each transaction's last.
	if got := signedCount(all[1:]); got < 2 || got > 12 {
		t.Fatalf("%d of %d bulk changes are signed, want one per run of %d bytes", got, len(all)-1, chainSignBytes)
	}
	for i := 2; i < len(all); i++ {
		if l, _ := all[i-1].Link(); string(all[i].Prev) != string(l[:]) {
			t.Fatalf("change %s does not name the link of %s", all[i].ID(), all[i-1].ID())
		}
	}
	if !all[len(all)-1].Signed() {
		t.Fatal("a transaction's last change is unsigned")
	}
	dst := openTest(t)
	res, err := dst.ApplyAll(all)
	if err != nil || res.Applied != len(all) || len(res.Rejected) != 0 {
		t.Fatalf("applied %+v, %v; want all %d", res, err, len(all))
	}
	sv, _ := src.Vector()
	back, _ := dst.ChangesAfter(sv, 1<<30) // the destination's own registration
	if _, err := src.Apply(back); err != nil {
		t.Fatal(err)
	}
	want, _ := src.StateHash()
	if got, _ := dst.StateHash(); got != want {
		t.Fatalf("state hash %s, want the source's %s", got, want)
	}
}

// TestForgedChangeRefusesTheWholeBatch: one unsigned change altered, dropped or swapped
// inside a run makes ApplyAll apply nothing at all.
func TestForgedChangeRefusesTheWholeBatch(t *testing.T) {
	t.Parallel()
	_, all := bulkSource(t, 200, 200)
	mid := len(all) / 2
	if all[mid].Signed() {
		mid++
	}
	edit := func(fn func(cs []change.Change) []change.Change) []change.Change {
		cs := make([]change.Change, len(all))
		copy(cs, all)
		return fn(cs)
	}
	tests := []struct {
		name  string
		batch []change.Change
	}{
		{"an unsigned change's value altered", edit(func(cs []change.Change) []change.Change {
			cs[mid].Ops = []change.Op{set(t, "title", "forged", nil)}
			return cs
		})},
		{"an unsigned change's author altered", edit(func(cs []change.Change) []change.Change {
			cs[mid].Author = "mallory"
			return cs
		})},
		{"two changes' contents swapped", edit(func(cs []change.Change) []change.Change {
			a, b := cs[mid], cs[mid+1]
			a.Seq, b.Seq = b.Seq, a.Seq
			cs[mid], cs[mid+1] = b, a
			return cs
		})},
		{"a change replaced by another entity's", edit(func(cs []change.Change) []change.Change {
			cs[mid].Entity = cs[mid+1].Entity
			return cs
		})},
		{"the covering signature taken from another change", edit(func(cs []change.Change) []change.Change {
			last := len(cs) - 1
			cs[last].Sig = append([]byte(nil), cs[0].Sig...)
			return cs
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := openTest(t)
			res, err := dst.ApplyAll(tt.batch)
			if !errors.Is(err, ErrForged) || res.Applied != 0 {
				t.Fatalf("ApplyAll = %+v, %v; want nothing applied and ErrForged", res, err)
			}
			if v, _ := dst.Vector(); v[all[0].Device] != 0 {
				t.Fatalf("the forged batch's device is at %d, want nothing held", v[all[0].Device])
			}
			// The genuine batch still applies afterwards.
			if res, err := dst.ApplyAll(all); err != nil || res.Applied != len(all) {
				t.Fatalf("genuine batch after a forged one: %+v, %v", res, err)
			}
		})
	}
}

// TestUnsignedTailWaitsForItsSignature: a run cut before its signed change is held
// back, neither applied nor rejected, and goes in once the signature arrives.
func TestUnsignedTailWaitsForItsSignature(t *testing.T) {
	t.Parallel()
	_, all := bulkSource(t, 60, 60)
	cut := len(all) - 1 // everything but the transaction's signed last change
	if all[cut-1].Signed() {
		t.Fatal("the run's second to last change is signed: the cut proves nothing")
	}
	dst := openTest(t)
	res, err := dst.ApplyAll(all[:cut])
	if err != nil || len(res.Rejected) != 0 || res.Buffered == 0 {
		t.Fatalf("first part: %+v, %v; want the unsigned tail buffered", res, err)
	}
	v, _ := dst.Vector()
	if held := v[all[0].Device]; held >= all[cut-1].Seq {
		t.Fatalf("holds up to %d before the signature arrived", held)
	}
	res, err = dst.ApplyAll(all[cut-10:])
	if err != nil || len(res.Rejected) != 0 {
		t.Fatalf("second part: %+v, %v", res, err)
	}
	if v, _ := dst.Vector(); v[all[0].Device] != all[len(all)-1].Seq {
		t.Fatalf("holds up to %d, want %d", v[all[0].Device], all[len(all)-1].Seq)
	}
	if n := pendingCount(t, dst); n != 0 {
		t.Fatalf("%d buffered copies left after every change went in", n)
	}
}

func pendingCount(t *testing.T, s *Store) int {
	t.Helper()
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixPending)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.ValidForPrefix(opts.Prefix); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestVouchedRunAppliesInAnyOrder: a signed action and an import after it (two
// unsigned changes and the signed one vouching for them), given in one batch, all go
// in whatever the order: no change is dropped from the buffer on the way, and one
// buffered before the gap filled goes in once it is (seeds 104 and 35 of
// TestSeededRandomHistories: live batches that held 9 of [10, 9, 11] and 6 of
// [7, 12, 6, 8]).
func TestVouchedRunAppliesInAnyOrder(t *testing.T) {
	t.Parallel()
	src := openTest(t)
	for _, bulk := range []bool{false, true} {
		if _, err := src.Update(context.Background(), "tech", func(tx *Tx) error {
			n := 1
			if bulk {
				tx.Bulk()
				n = 3
			}
			for j := range n {
				if _, err := tx.Write("ticket", fmt.Sprint("t", j), []change.Op{set(t, "title", fmt.Sprint(bulk, j), nil)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := src.ChangesAfter(Vector{}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	run := all[1:] // after the device's key: signed, unsigned, unsigned, signed
	if len(run) != 4 || !run[0].Signed() || run[1].Signed() || run[2].Signed() || !run[3].Signed() {
		t.Fatal("the changes are not a signed action and an import of three: the orders prove nothing")
	}
	for _, order := range permutations(len(run)) {
		dst := openTest(t)
		if _, err := dst.Apply(all[:1]); err != nil {
			t.Fatal(err)
		}
		batch := make([]change.Change, len(order))
		for k, i := range order {
			batch[k] = run[i]
		}
		res, err := dst.Apply(batch)
		if err != nil || len(res.Rejected) != 0 {
			t.Fatalf("order %v: %+v, %v", order, res, err)
		}
		if v, _ := dst.Vector(); v[src.Device().ID] != run[3].Seq {
			t.Errorf("order %v: holds up to %d of changes all given in one batch, want %d (%+v)", order, v[src.Device().ID], run[3].Seq, res)
		}
		if p := pendingCount(t, dst); p != 0 {
			t.Errorf("order %v: %d buffered copies left after every change went in", order, p)
		}
		dst.Close()
	}
}

// permutations returns every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for at := 0; at <= len(p); at++ {
			q := append(append(append([]int{}, p[:at]...), n-1), p[at:]...)
			out = append(out, q)
		}
	}
	return out
}

// TestEarlyUnsignedChangeStaysBuffered: an unsigned change that came before its
// predecessor, without its signature, waits in the buffer when the predecessor
// arrives, and goes in with the signature later.
func TestEarlyUnsignedChangeStaysBuffered(t *testing.T) {
	t.Parallel()
	_, all := bulkSource(t, 3, 3)
	n := len(all)
	dst := openTest(t)
	if _, err := dst.Apply(all[:n-3]); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Apply([]change.Change{all[n-2]}); err != nil { // early: waits for n-3
		t.Fatal(err)
	}
	if _, err := dst.Apply([]change.Change{all[n-3]}); err != nil { // unsigned: both wait for n-1
		t.Fatal(err)
	}
	if _, err := dst.Apply([]change.Change{all[n-1]}); err != nil {
		t.Fatal(err)
	}
	if v, _ := dst.Vector(); v[all[0].Device] != all[n-1].Seq {
		t.Fatalf("holds up to %d, want %d: a buffered change was lost", v[all[0].Device], all[n-1].Seq)
	}
	if p := pendingCount(t, dst); p != 0 {
		t.Fatalf("%d buffered copies left after every change went in", p)
	}
}
