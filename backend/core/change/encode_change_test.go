package change

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"outpost/backend/core/hlc"
)

// marshalled is what json.Marshal writes for c, with or without its signature.
func marshalled(t testing.TB, c Change, withSig bool) []byte {
	t.Helper()
	if !withSig {
		c.Sig = nil
	}
	b, err := json.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// texts are strings json.Marshal escapes in every way it has: quotes, backslashes,
// control characters (short and \u forms), HTML, U+2028/U+2029, invalid UTF-8.
var texts = []string{"", "a", "Printer on floor 2", "say \"hi\"\\", "tab\tnew\nline\rret\bbell\f\x00\x1f\x7f",
	"<script>alert(1)</script> & co", "line\u2028sep\u2029para", "caf\u00e9 \u65e5\u672c \U0001F600",
	"bad \xff\xfe utf8 \xe2\x80", "\xe2\x80\xa8", "x\u0001y"}

// values are JSON values as peers and older versions may hold them: with spaces
// to compact, HTML to escape, nested structures.
var values = []string{`"x"`, `  { "a" : [1, 2 ,3] , "b":"<b>&amp;</b>" }  `, `null`, `true`, `-1.5e3`,
	`"line\u2028"`, "\"raw \u2028 sep\"", `[ ]`, `{"k":"tab\t"}`, `"caf\u00e9"`, `12345678901234567890`}

func randomChange(r *rand.Rand) Change {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	c := Change{Device: pick(texts), Seq: r.Uint64() >> r.IntN(64), HLC: hlc.Timestamp(r.Uint64() >> r.IntN(64)),
		Author: pick(texts), Kind: pick(texts), Entity: pick(texts)}
	switch r.IntN(4) {
	case 0: // nil ops: "null"
	case 1:
		c.Ops = []Op{}
	default:
		for range 1 + r.IntN(4) {
			op := Op{Op: OpKind(pick(texts)), Field: pick(texts)}
			if r.IntN(3) > 0 {
				op.Value = json.RawMessage(pick(values))
			}
			if r.IntN(2) == 0 {
				op.Elem = pick(texts)
			}
			for range r.IntN(3) {
				op.Replaces = append(op.Replaces, ID{Device: pick(texts), Seq: r.Uint64() >> r.IntN(64)})
			}
			c.Ops = append(c.Ops, op)
		}
	}
	if r.IntN(2) == 0 {
		c.Prev = make([]byte, r.IntN(40))
		for i := range c.Prev {
			c.Prev[i] = byte(r.Uint32())
		}
	}
	if r.IntN(2) == 0 {
		c.Sig = make([]byte, 64)
		for i := range c.Sig {
			c.Sig[i] = byte(r.Uint32())
		}
	}
	return c
}

// The hand-written encoder writes json.Marshal's bytes exactly: signatures made by
// older versions are checked against these bytes.
func TestEncodingMatchesJSONMarshal(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 20_000 {
		c := randomChange(r)
		got, err := c.Encode()
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		if want := marshalled(t, c, true); !bytes.Equal(got, want) {
			t.Fatalf("change %d encodes as\n %s\nwant\n %s", i, got, want)
		}
		signed, err := c.signedBytes()
		if err != nil {
			t.Fatal(err)
		}
		if want := marshalled(t, c, false); !bytes.Equal(signed, want) {
			t.Fatalf("change %d signs\n %s\nwant\n %s", i, signed, want)
		}
	}
}

// A value that is not JSON is refused, as json.Marshal refuses it.
func TestEncodingRefusesAnInvalidValue(t *testing.T) {
	t.Parallel()
	for _, v := range []string{`{"a":`, `nope`, `"unterminated`, `1 2`} {
		c := Change{Device: "a", Seq: 1, Kind: "t", Entity: "e", Ops: []Op{{Op: OpSet, Field: "f", Value: json.RawMessage(v)}}}
		if _, err := c.Encode(); err == nil {
			t.Errorf("value %q encoded", v)
		}
		if _, err := json.Marshal(&c); err == nil {
			t.Errorf("json.Marshal encoded value %q: the encoders disagree", v)
		}
	}
}
