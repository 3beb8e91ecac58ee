package change

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"outpost/backend/core/hlc"
)

func ch(dev string, seq uint64, at hlc.Timestamp, ops ...Op) Change {
	return Change{Device: dev, Seq: seq, HLC: at, Author: dev, Kind: "ticket", Entity: "t1", Ops: ops}
}

func mustSet(t *testing.T, f string, v any, r ...ID) Op {
	t.Helper()
	op, err := Set(f, v, r)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func TestFoldRegister(t *testing.T) {
	t.Parallel()
	a1 := ID{"a", 1}
	b1 := ID{"b", 1}
	tests := []struct {
		name         string
		changes      []Change
		want         string
		wantConflict []string // losing values
	}{
		{
			name: "later overwrite that saw the first write is no conflict",
			changes: []Change{
				ch("a", 1, 10, mustSet(t, "status", "new")),
				ch("b", 1, 5, mustSet(t, "status", "assigned", a1)), // b's clock is behind but it saw a1
			},
			want: `"assigned"`,
		},
		{
			name: "concurrent writes conflict; latest HLC wins provisionally",
			changes: []Change{
				ch("a", 1, 10, mustSet(t, "status", "resolved")),
				ch("b", 1, 20, mustSet(t, "status", "in_progress")),
			},
			want:         `"in_progress"`,
			wantConflict: []string{`"resolved"`},
		},
		{
			name: "equal HLC breaks ties by device",
			changes: []Change{
				ch("b", 1, 10, mustSet(t, "status", "from b")),
				ch("a", 1, 10, mustSet(t, "status", "from a")),
			},
			want:         `"from b"`,
			wantConflict: []string{`"from a"`},
		},
		{
			name: "a resolution naming both heads clears the conflict",
			changes: []Change{
				ch("a", 1, 10, mustSet(t, "status", "resolved")),
				ch("b", 1, 20, mustSet(t, "status", "in_progress")),
				ch("a", 2, 30, mustSet(t, "status", "resolved", a1, b1)),
			},
			want: `"resolved"`,
		},
		{
			name: "an overwrite arriving before the write it replaced",
			changes: []Change{
				ch("b", 2, 30, mustSet(t, "status", "closed", ID{"b", 1})),
				ch("b", 1, 20, mustSet(t, "status", "resolved", a1)),
				ch("a", 1, 10, mustSet(t, "status", "new")),
			},
			want: `"closed"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Fold(tt.changes)
			f := r.Fields["status"]
			if string(f.Value) != tt.want {
				t.Fatalf("winner = %s, want %s", f.Value, tt.want)
			}
			var lost []string
			for _, w := range f.Conflict {
				lost = append(lost, string(w.Value))
			}
			if !slices.Equal(lost, tt.wantConflict) {
				t.Fatalf("conflict = %v, want %v", lost, tt.wantConflict)
			}
		})
	}
}

func TestFoldSetsAreAddWins(t *testing.T) {
	t.Parallel()
	add := func(e string) Op { return Op{Op: OpAdd, Field: "tags", Elem: e} }
	remove := func(e string, seen ...ID) Op { return Op{Op: OpRemove, Field: "tags", Elem: e, Replaces: seen} }
	r := Fold([]Change{
		ch("a", 1, 10, add("vpn"), add("urgent")),
		ch("b", 1, 20, remove("vpn", ID{"a", 1})),    // saw a's add: removes it
		ch("c", 1, 15, add("vpn")),                   // concurrent add: survives
		ch("b", 2, 25, remove("urgent", ID{"a", 1})), // removed
	})
	if got := r.Members("tags"); !slices.Equal(got, []string{"vpn"}) {
		t.Fatalf("tags = %v, want [vpn]", got)
	}
}

func TestFoldItemsAppendInTimestampOrder(t *testing.T) {
	t.Parallel()
	c1, _ := Append("comments", "first")
	c2, _ := Append("comments", "second")
	r := Fold([]Change{ch("b", 1, 20, c2), ch("a", 1, 10, c1)})
	items := r.Items["comments"]
	if len(items) != 2 || string(items[0].Value) != `"first"` || items[1].ID != "b.1.0" {
		t.Fatalf("items = %+v", items)
	}
}

// TestFoldIsOrderIndependent folds random histories in random orders with
// duplicates and checks the encodings are byte-identical.
func TestFoldIsOrderIndependent(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 200 {
		cs := randomHistory(rng)
		want, _ := (&[]Record{Fold(cs)}[0]).Encode()
		for range 5 {
			shuffled := slices.Clone(cs)
			for range rng.IntN(4) {
				shuffled = append(shuffled, cs[rng.IntN(len(cs))])
			}
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			r := Fold(shuffled)
			got, _ := r.Encode()
			if !bytes.Equal(got, want) {
				t.Fatalf("run %d: fold differs by order\n got %s\nwant %s", run, got, want)
			}
		}
	}
}

func randomHistory(rng *rand.Rand) []Change {
	devs := []string{"a", "b", "c"}
	seqs := map[string]uint64{}
	var cs []Change
	var seen []ID
	for range 2 + rng.IntN(12) {
		d := devs[rng.IntN(len(devs))]
		seqs[d]++
		var op Op
		switch rng.IntN(4) {
		case 0, 1:
			var repl []ID
			for _, id := range seen {
				if rng.IntN(2) == 0 {
					repl = append(repl, id)
				}
			}
			op, _ = Set([]string{"status", "title"}[rng.IntN(2)], rng.IntN(5), repl)
		case 2:
			op = Op{Op: OpAdd, Field: "tags", Elem: []string{"x", "y"}[rng.IntN(2)]}
		case 3:
			op = Op{Op: OpRemove, Field: "tags", Elem: "x", Replaces: slices.Clone(seen)}
		}
		c := ch(d, seqs[d], hlc.Timestamp(rng.IntN(20)+1), op)
		seen = append(seen, c.ID())
		cs = append(cs, c)
	}
	return cs
}

func TestDecodeRejectsGarbage(t *testing.T) {
	t.Parallel()
	good := ch("a", 1, 10, Op{Op: OpSet, Field: "title", Value: []byte(`"x"`)})
	raw, _ := good.Encode()
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ``},
		{"not json", `hello`},
		{"unknown field", `{"dev":"a","seq":1,"hlc":1,"kind":"t","ent":"e","ops":[{"op":"set","f":"x","v":1}],"evil":1}`},
		{"zero seq", `{"dev":"a","seq":0,"hlc":1,"kind":"t","ent":"e","ops":[{"op":"set","f":"x","v":1}]}`},
		{"slash in entity", `{"dev":"a","seq":1,"hlc":1,"kind":"t","ent":"e/../x","ops":[{"op":"set","f":"x","v":1}]}`},
		{"no ops", `{"dev":"a","seq":1,"hlc":1,"kind":"t","ent":"e","ops":[]}`},
		{"bad op", `{"dev":"a","seq":1,"hlc":1,"kind":"t","ent":"e","ops":[{"op":"drop","f":"x"}]}`},
		{"set without value", `{"dev":"a","seq":1,"hlc":1,"kind":"t","ent":"e","ops":[{"op":"set","f":"x"}]}`},
		{"trailing data", string(raw) + `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode([]byte(tt.in)); err == nil {
				t.Fatalf("Decode(%q) accepted", tt.in)
			}
		})
	}
	if _, err := Decode(raw); err != nil {
		t.Fatalf("Decode(good) = %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	good := ch("a", 1, 10, Op{Op: OpSet, Field: "title", Value: []byte(`"x"`)})
	raw, _ := good.Encode()
	f.Add(raw)
	f.Add([]byte(`{"dev":"a","seq":1,"hlc":1,"kind":"t","ent":"e","ops":[{"op":"add","f":"x","e":"y"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsEncodingJSON(t, b)
		c, err := Decode(b)
		if err != nil {
			return
		}
		again, err := c.Encode()
		if err != nil {
			t.Fatalf("valid change does not encode: %v", err)
		}
		if want := marshalled(t, c, true); !bytes.Equal(again, want) {
			t.Fatalf("change encodes as\n %s\njson.Marshal writes\n %s", again, want)
		}
		if _, err := Decode(again); err != nil {
			t.Fatalf("re-encoded change does not decode: %v", err)
		}
		_ = Fold([]Change{c})
	})
}

// BenchmarkFoldNewTicket folds a ticket's first change, as an import or a new
// device's catch-up does 100k times: twenty fields set at once.
func BenchmarkFoldNewTicket(b *testing.B) {
	c := Change{Device: "dev1", Seq: 1, HLC: 1, Author: "import", Kind: "ticket", Entity: "t1"}
	for i := range 20 {
		c.Ops = append(c.Ops, Op{Op: OpSet, Field: fmt.Sprint("field", i), Value: []byte(`"a value"`)})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Fold([]Change{c})
	}
}
