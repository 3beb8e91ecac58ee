package change

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestDecodeRecordFastAgreesWithEncodingJSON decodes the encodings of many folded
// records both ways and requires identical records; names with escapes must take the
// slow path and still decode the same.
func TestDecodeRecordFastAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	set := func(f string, v any, r ...ID) Op { op, _ := Set(f, v, r); return op }
	app := func(f string, v any) Op { op, _ := Append(f, v); return op }
	tests := []struct {
		name string
		raw  []byte
		fast bool // the fast path must take it
	}{
		{"empty record", []byte(`{"kind":"","id":"","created":0,"createdBy":"","updated":0,"updatedBy":""}`), true},
		{"empty collections", []byte(`{"kind":"t","id":"x","created":1,"createdBy":"a","updated":2,"updatedBy":"b","fields":{"f":{"id":{"d":"a","s":1},"at":1,"by":"a","v":1,"heads":[],"conflict":[]}},"sets":{"s":[]},"items":{"i":[]}}`), true},
		{"nulls", []byte(`{"kind":"t","id":"x","created":1,"createdBy":"a","updated":2,"updatedBy":"b","fields":{"f":{"id":{"d":"a","s":1},"at":1,"by":"a","v":null,"heads":null}},"sets":null,"items":null}`), true},
		{"escaped author", []byte(`{"kind":"t","id":"x","created":1,"createdBy":"a \"b\"","updated":2,"updatedBy":"b"}`), false},
		{"unknown key", []byte(`{"kind":"t","id":"x","extra":1}`), false},
		{"white space", []byte(` { "kind" : "t" , "id" : "x" } `), true},
	}
	enc := func(cs []Change) []byte { b, _ := json.Marshal(Fold(cs)); return b } // the encoding/json form earlier versions stored
	tests = append(tests, struct {
		name string
		raw  []byte
		fast bool
	}{"values with quotes and unicode", enc([]Change{ch("a", 1, 10,
		set("title", "Drucker \"3. Stock\" <druckt> nicht ✓ \u2028"), app("comments", map[string]any{"body": "a\\b\n"}),
		Op{Op: OpAdd, Field: "tags", Elem: "vpn"}, set("n", 12.5))}), true})
	tests = append(tests, struct {
		name string
		raw  []byte
		fast bool
	}{"set member with a quote", enc([]Change{ch("a", 1, 10, Op{Op: OpAdd, Field: "tags", Elem: `say "hi"`})}), false})
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		for _, h := range []func(*rand.Rand) []Change{randomHistory, causalHistory} {
			tests = append(tests, struct {
				name string
				raw  []byte
				fast bool
			}{"history", enc(h(rng)), true})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want Record
			if err := json.Unmarshal(tt.raw, &want); err != nil {
				t.Fatal(err)
			}
			fast, err := decodeRecordFast(tt.raw)
			if (err == nil) != tt.fast {
				t.Fatalf("fast path taken = %v (%v), want %v", err == nil, err, tt.fast)
			}
			if err == nil && !reflect.DeepEqual(fast, want) {
				t.Fatalf("fast decode differs\n got %#v\nwant %#v", fast, want)
			}
			got, err := DecodeRecord(tt.raw)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("DecodeRecord = %#v, %v\nwant %#v", got, err, want)
			}
		})
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	var cs []Change
	for len(cs) < 12 {
		cs = causalHistory(rng)
	}
	r := Fold(cs)
	compact, _ := r.Encode()
	raw, _ := json.Marshal(r) // the form earlier versions stored
	b.Run("compact", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeRecord(compact); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeRecord(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var r Record
			if err := json.Unmarshal(raw, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
