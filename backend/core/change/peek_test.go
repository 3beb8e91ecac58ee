package change

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestPeekRegisterAgreesWithDecode encodes records whose values hold quotes, escapes,
// brackets and the peeked field's own name in other places, and checks PeekRegister
// finds what a full decode does.
func TestPeekRegisterAgreesWithDecode(t *testing.T) {
	t.Parallel()
	set := func(f string, v any, r ...ID) Op { op, _ := Set(f, v, r); return op }
	app := func(f string, v any) Op { op, _ := Append(f, v); return op }
	tests := []struct {
		name string
		cs   []Change
	}{
		{"plain", []Change{ch("a", 1, 10, set("status", "new"), set("title", "x"))}},
		{"unset", []Change{ch("a", 1, 10, set("title", "x"))}},
		{"tricky strings before it", []Change{ch("a", 1, 10,
			set("description", `he said "status":"closed" \ {[`), set("status", "in_progress"),
			app("comments", map[string]any{"status": "closed", "v": `\"`}))}},
		{"escaped value", []Change{ch("a", 1, 10, set("status", "a\"b\\"))}},
		{"object value", []Change{ch("a", 1, 10, set("status", map[string]any{"v": []int{1, 2}, "s": "}"}))}},
		{"conflict", []Change{ch("a", 1, 10, set("status", "resolved")), ch("b", 1, 20, set("status", "new"))}},
		{"conflict resolved", []Change{ch("a", 1, 10, set("status", "resolved")), ch("b", 1, 20, set("status", "new")),
			ch("a", 2, 30, set("status", "closed", ID{"a", 1}, ID{"b", 1}))}},
		{"sets and items after", []Change{ch("a", 1, 10, set("status", 3), Op{Op: OpAdd, Field: "status", Elem: "x"}, app("status", 1))}},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 50 {
		tests = append(tests, struct {
			name string
			cs   []Change
		}{"random " + string(rune('a'+i%26)), randomHistory(rng)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Fold(tt.cs)
			raw, err := r.Encode()
			if err != nil {
				t.Fatal(err)
			}
			for _, field := range []string{"status", "title", "missing"} {
				got, err := PeekRegister(raw, field)
				if err != nil {
					t.Fatalf("%s: %v in %s", field, err, raw)
				}
				f, ok := r.Fields[field]
				if got.Found != ok || !bytes.Equal(got.Value, f.Value) || got.Conflict != (len(f.Conflict) > 0) {
					t.Fatalf("%s: peek %+v (value %s), record has %v %s conflict %d", field, got, got.Value, ok, f.Value, len(f.Conflict))
				}
			}
		})
	}
}

func TestPeekRegisterRejectsBrokenJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, `[]`, `{"fields":{"status":{"v":"x"}`, `{"fields":{"status":{"v":"x}}}`, `{"a" 1}`, `{"fields":{"status":{"v":}}}`} {
		t.Run(in, func(t *testing.T) {
			if _, err := PeekRegister([]byte(in), "status"); err == nil {
				t.Fatalf("PeekRegister(%q) accepted", in)
			}
		})
	}
}
