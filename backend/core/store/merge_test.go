package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"outpost/backend/core/change"
)

// TestApplyIsOrderIndependent is the property the whole sync design rests on:
// three devices edit the same records with partial exchanges between them, then
// fresh replicas receive every change in random orders, random chunks and with
// duplicates, and must end byte-identical (same state hash).
func TestApplyIsOrderIndependent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for run := range 8 {
		t.Run(fmt.Sprint("seed ", run), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(run), 7))
			writers := []*Store{openTest(t), openTest(t), openTest(t)}
			for range 60 {
				w := writers[rng.IntN(len(writers))]
				if rng.IntN(5) == 0 { // partial sync from another writer
					from := writers[rng.IntN(len(writers))]
					have, _ := w.Vector()
					cs, _ := from.ChangesAfter(have, 1<<20)
					if _, err := w.Apply(cs); err != nil {
						t.Fatal(err)
					}
					continue
				}
				randomEdit(t, ctx, rng, w)
			}
			var all []change.Change
			for _, w := range writers {
				cs, err := w.ChangesAfter(Vector{}, 1<<30)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, cs...)
			}
			readers := []*Store{openTest(t), openTest(t), openTest(t)}
			for _, r := range readers { // readers exchange their own registrations
				reg, _ := r.History(KindDevice, r.Device().ID)
				all = append(all, reg...)
			}
			// Duplicate a slice of all changes, deduplicated by the store.
			var hashes []string
			for _, r := range readers {
				feed := slices.Clone(all)
				for range len(all) / 4 {
					feed = append(feed, all[rng.IntN(len(all))])
				}
				rng.Shuffle(len(feed), func(i, j int) { feed[i], feed[j] = feed[j], feed[i] })
				for len(feed) > 0 {
					n := min(len(feed), 1+rng.IntN(40))
					res, err := r.Apply(feed[:n])
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Rejected) > 0 {
						t.Fatalf("rejected: %v", res.Rejected[0].Err)
					}
					feed = feed[n:]
				}
				h, err := r.StateHash()
				if err != nil {
					t.Fatal(err)
				}
				hashes = append(hashes, h)
			}
			for i := 1; i < len(hashes); i++ {
				if hashes[i] != hashes[0] {
					t.Fatalf("replica %d state hash %s differs from replica 0 %s", i, hashes[i], hashes[0])
				}
			}
			// Every record, on writers (extended in place) and readers, equals the fold of its full history.
			for _, s := range append(writers, readers[0]) {
				for i := range 3 {
					if _, err := s.Get("ticket", fmt.Sprint("t", i)); err == nil {
						requireFolded(t, s, "ticket", fmt.Sprint("t", i))
					}
				}
			}
		})
	}
}

func randomEdit(t *testing.T, ctx context.Context, rng *rand.Rand, s *Store) {
	t.Helper()
	id := fmt.Sprint("t", rng.IntN(3))
	_, err := s.Update(ctx, "u", func(tx *Tx) error {
		rec, _ := tx.Get("ticket", id)
		var ops []change.Op
		switch rng.IntN(4) {
		case 0:
			ops = append(ops, set(t, "status", []string{"new", "assigned", "resolved"}[rng.IntN(3)], rec.Heads("status")))
		case 1:
			ops = append(ops, set(t, "title", fmt.Sprint("title ", rng.IntN(100)), rec.Heads("title")))
		case 2:
			op, _ := change.Append("comments", fmt.Sprint("comment ", rng.IntN(100)))
			ops = append(ops, op)
		case 3:
			tag := []string{"vpn", "printer"}[rng.IntN(2)]
			if adds := rec.Adds("tags", tag); len(adds) > 0 && rng.IntN(2) == 0 {
				ops = append(ops, change.Op{Op: change.OpRemove, Field: "tags", Elem: tag, Replaces: adds})
			} else {
				ops = append(ops, change.Op{Op: change.OpAdd, Field: "tags", Elem: tag})
			}
		}
		_, err := tx.Write("ticket", id, ops)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
