package change

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"outpost/backend/core/hlc"
)

// legacy is the record as earlier versions stored and read it (encoding/json both ways):
// what DecodeRecord of the compact encoding must give back.
func legacy(t *testing.T, r Record) Record {
	t.Helper()
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out Record
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func compactCases() map[string]Record {
	w := func(d string, s uint64, at hlc.Timestamp, by, v string) Write {
		return Write{ID: ID{d, s}, At: at, By: by, Value: json.RawMessage(v)}
	}
	return map[string]Record{
		"empty": {},
		"one field": {Kind: "ticket", ID: "t1", Created: 5, CreatedBy: "ana", Updated: 5, UpdatedBy: "ana",
			Fields: map[string]Field{"title": {Write: w("a", 1, 5, "ana", `"Printer"`), Heads: []ID{{"a", 1}}}}},
		"heads other than the winner, conflicts, nil and empty lists": {Kind: "ticket", ID: "t2",
			Fields: map[string]Field{
				"status":  {Write: w("b", 2, 9, "bo", `"open"`), Heads: []ID{{"a", 3}, {"b", 2}}, Conflict: []Write{w("a", 3, 8, "ana", `"closed"`)}},
				"nilhead": {Write: w("a", 1, 1, "ana", `1`)},
				"nohead":  {Write: w("a", 1, 1, "ana", `1`), Heads: []ID{}},
				"novalue": {Write: Write{ID: ID{"c", 4}, At: 2, By: "cy"}, Heads: []ID{{"c", 4}}},
			},
			Sets:  map[string][]Elem{"tags": {{Value: "vpn", Adds: []ID{{"a", 1}, {"c", 9}}}, {Value: "x"}, {Value: "y", Adds: []ID{}}}, "none": nil, "empty": {}},
			Items: map[string][]Item{"comments": {{ID: "a:1:0", At: 4, By: "ana", Value: json.RawMessage(`{"body":"hi"}`)}}, "none": nil, "empty": {}},
		},
		"names that need escapes": {Kind: "ticket", ID: "t3", CreatedBy: "say \"hi\"\\\n\t\x01", UpdatedBy: "Zoë ✓",
			Fields: map[string]Field{"title": {Write: w("a", 1, 5, "tab\there", `"Drucker \"3. Stock\" \u2028"`), Heads: []ID{{"a", 1}}}},
			Sets:   map[string][]Elem{"tags": {{Value: `a "quoted" tag`, Adds: []ID{{"a", 1}}}}}},
	}
}

// TestCompactEncodingRoundTrips requires that a record read back from its compact
// encoding is the one earlier versions read back from their encoding/json form.
func TestCompactEncodingRoundTrips(t *testing.T) {
	t.Parallel()
	cases := compactCases()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		h := randomHistory
		if i%2 == 1 {
			h = causalHistory
		}
		cases[fmt.Sprintf("history %d", i)] = Fold(h(rng))
	}
	for name, r := range cases {
		raw, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(raw) {
			t.Fatalf("%s: not JSON: %s", name, raw)
		}
		got, err := DecodeRecord(raw)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, raw)
		}
		if want := legacy(t, r); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: differs\n got %#v\nwant %#v\n%s", name, got, want, raw)
		}
		again, _ := got.Encode()
		if !bytes.Equal(again, raw) {
			t.Fatalf("%s: encoding what was read back differs\n got %s\nwant %s", name, again, raw)
		}
		for _, field := range []string{"status", "title", "nilhead", "absent"} {
			peek, err := PeekRegister(raw, field)
			old, _ := json.Marshal(r)
			oldPeek, oldErr := PeekRegister(old, field)
			if err != nil || oldErr != nil || peek.Found != oldPeek.Found || peek.Conflict != oldPeek.Conflict || !bytes.Equal(peek.Value, oldPeek.Value) {
				t.Fatalf("%s: peek %s = %+v, %v; from the old form %+v, %v", name, field, peek, err, oldPeek, oldErr)
			}
		}
	}
}

// TestCompactEncodingIsSmall: a ticket of sixteen fields written by one change takes
// under a third of the bytes of its encoding/json form.
func TestCompactEncodingIsSmall(t *testing.T) {
	t.Parallel()
	var ops []Op
	for i := range 16 {
		op, _ := Set(fmt.Sprintf("field%02d", i), "value", nil)
		ops = append(ops, op)
	}
	c := Change{Device: "cwdbwhr5gktz7pcr4tb4ypjviq", Seq: 52495, HLC: 117745006544420876, Author: "vm", Kind: "ticket", Entity: "3mqynarrd4zjvk3adzom2f7cku", Ops: ops}
	r := Fold([]Change{c})
	compact, _ := r.Encode()
	old, _ := json.Marshal(r)
	if 3*len(compact) > len(old) {
		t.Fatalf("compact %d bytes, encoding/json %d", len(compact), len(old))
	}
}

// TestCompactEncodingIsCanonical: the same changes in any order give the same bytes.
func TestCompactEncodingIsCanonical(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		cs := causalHistory(rng)
		r := Fold(cs)
		want, _ := r.Encode()
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		r2 := Fold(cs)
		if got, _ := r2.Encode(); !bytes.Equal(got, want) {
			t.Fatalf("order changed the encoding\n got %s\nwant %s", got, want)
		}
	}
}

// TestDecodeRejectsMalformedCompactRecords: every cut of a valid encoding, and tables
// pointed past their end, are errors, never a record or a panic.
func TestDecodeRejectsMalformedCompactRecords(t *testing.T) {
	t.Parallel()
	r := compactCases()["heads other than the winner, conflicts, nil and empty lists"]
	raw, _ := r.Encode()
	for n := len(compactVersion); n < len(raw); n++ {
		if _, err := DecodeRecord(raw[:n]); err == nil {
			t.Fatalf("a record cut at %d of %d bytes was read: %s", n, len(raw), raw[:n])
		}
	}
	for _, bad := range []string{
		`{"v":2,"dev":["a"],"w":[[1,1,1,"x"]]}`,
		`{"v":2,"dev":["a"],"w":[[0,1,1,"x"]],"fields":{"f":[1,true]}}`,
		`{"v":2,"dev":["a"],"w":[[0,1,1,"x"]],"fields":{"f":[0,true,null]}}`,
		`{"v":2,"dev":["a"],"w":[[0,1,1]]}`,
		`{"v":2,"extra":1}`,
		`{"v":2,"kind":"t"} x`,
		`{"v":3,"kind":"t"}`,
	} {
		if _, err := DecodeRecord([]byte(bad)); err == nil {
			t.Fatalf("read %s", bad)
		}
	}
}
