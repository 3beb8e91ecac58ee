package change

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"outpost/backend/core/hlc"
)

// TestExtendEqualsFold folds random histories one change at a time, in the total
// order, and checks that whenever Extend takes a change on a record whose changes
// are orderly, the result is byte-identical to folding everything again.
func TestExtendEqualsFold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		history func(*rand.Rand) []Change
		minTake float64 // share of changes Extend must take (legitimate histories are its common case)
	}{
		{"random references and clocks", randomHistory, 0},
		{"people naming what they saw", causalHistory, 0.9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			took, total := 0, 0
			for run := range 300 {
				cs := tt.history(rng)
				slices.SortFunc(cs, func(a, b Change) int {
					if Less(&a, &b) {
						return -1
					}
					return 1
				})
				for i := range cs {
					total++
					prefix := cs[:i]
					got, ok := Extend(Fold(prefix), &cs[i])
					if !ok || !Orderly(prefix) {
						continue
					}
					took++
					a, _ := got.Encode()
					b, _ := (&[]Record{Fold(cs[:i+1])}[0]).Encode()
					if !bytes.Equal(a, b) {
						t.Fatalf("run %d change %d: extend differs from fold\n got %s\nwant %s", run, i, a, b)
					}
				}
			}
			if share := float64(took) / float64(total); share < tt.minTake {
				t.Fatalf("Extend took %.0f%% of changes, want at least %.0f%%", share*100, tt.minTake*100)
			}
		})
	}
}

// causalHistory is what devices write: increasing clocks, each change naming the
// heads and adds its writer's record shows; some devices edit concurrently.
func causalHistory(rng *rand.Rand) []Change {
	devs := []string{"a", "b", "c"}
	seqs := map[string]uint64{}
	var cs []Change
	var at hlc.Timestamp
	for range 2 + rng.IntN(14) {
		d := devs[rng.IntN(len(devs))]
		seqs[d]++
		at += hlc.Timestamp(1 + rng.IntN(3))
		// A device sees all but the last few changes (concurrent edits).
		seen := Fold(cs[:max(0, len(cs)-rng.IntN(3))])
		var ops []Op
		for range 1 + rng.IntN(3) {
			switch rng.IntN(5) {
			case 0, 1:
				f := []string{"status", "title"}[rng.IntN(2)]
				if slices.ContainsFunc(ops, func(o Op) bool { return o.Op == OpSet && o.Field == f }) {
					continue
				}
				op, _ := Set(f, rng.IntN(5), seen.Heads(f))
				ops = append(ops, op)
			case 2:
				op, _ := Append("comments", rng.IntN(5))
				ops = append(ops, op)
			case 3:
				ops = append(ops, Op{Op: OpAdd, Field: "tags", Elem: []string{"x", "y"}[rng.IntN(2)]})
			case 4:
				e := []string{"x", "y"}[rng.IntN(2)]
				if adds := seen.Adds("tags", e); len(adds) > 0 {
					ops = append(ops, Op{Op: OpRemove, Field: "tags", Elem: e, Replaces: adds})
				}
			}
		}
		if len(ops) == 0 {
			op, _ := Append("comments", "x")
			ops = append(ops, op)
		}
		cs = append(cs, ch(d, seqs[d], at, ops...))
	}
	return cs
}

func TestOrderly(t *testing.T) {
	t.Parallel()
	set := func(r ...ID) Op { op, _ := Set("status", 1, r); return op }
	tests := []struct {
		name string
		cs   []Change
		want bool
	}{
		{"no references", []Change{ch("a", 1, 10, set()), ch("b", 1, 20, set())}, true},
		{"names an earlier write", []Change{ch("a", 1, 10, set()), ch("b", 1, 20, set(ID{"a", 1}))}, true},
		{"names a later write", []Change{ch("a", 1, 30, set()), ch("b", 1, 20, set(ID{"a", 1}))}, false},
		{"names a write not held", []Change{ch("b", 1, 20, set(ID{"a", 1}))}, false},
		{"names itself", []Change{ch("b", 1, 20, set(ID{"b", 1}))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Orderly(tt.cs); got != tt.want {
				t.Fatalf("Orderly = %v, want %v", got, tt.want)
			}
		})
	}
}
