package change

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// sameAsEncodingJSON requires that whatever Decode reads through the fast decoder,
// encoding/json reads alike.
func sameAsEncodingJSON(t *testing.T, b []byte) {
	t.Helper()
	fast, err := decodeChangeFast(b)
	if err != nil || fast.Validate() != nil {
		return
	}
	slow, err := decodeChangeJSON(b)
	if err != nil {
		t.Fatalf("the fast decoder read what encoding/json refuses (%v): %q", err, b)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("the fast decoder read %q as\n%#v\nencoding/json as\n%#v", b, fast, slow)
	}
}

// TestDecodeChangeFastAgreesWithEncodingJSON decodes encoded changes, and thousands of
// damaged copies of them, both ways.
func TestDecodeChangeFastAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	var inputs [][]byte
	for range 200 {
		for _, c := range causalHistory(rng) {
			c.Prev, c.Sig = make([]byte, LinkSize), make([]byte, 64)
			c.Prev[0], c.Sig[3] = byte(rng.IntN(256)), byte(rng.IntN(256))
			raw, _ := c.Encode()
			inputs = append(inputs, raw)
		}
	}
	fast := 0
	for _, raw := range inputs {
		if _, err := decodeChangeFast(raw); err == nil {
			fast++
		}
		sameAsEncodingJSON(t, raw)
	}
	if fast < len(inputs)*9/10 {
		t.Fatalf("the fast decoder read %d of %d canonical changes", fast, len(inputs))
	}
	for _, edit := range []struct{ from, to string }{
		{`"seq":`, `"seq":0`}, {`"seq":`, `"seq":-`}, {`"seq":`, `"SEQ":`}, {`"ops":[`, `"ops":[],"ops":[`},
		{`"ops":[`, `"ops":null,"x":[`}, {`"v":`, `"v":null,"v":`}, {`"by":"`, `"by":"\u0041`}, {`}`, `} `},
		{`"kind":"ticket"`, `"kind":"ticket","kind":"sop"`}, {`"prev":"`, `"prev":"!`}, {`"hlc":`, `"hlc":1.5e`},
	} {
		for _, raw := range inputs[:50] {
			sameAsEncodingJSON(t, bytes.Replace(raw, []byte(edit.from), []byte(edit.to), 1))
		}
	}
	for range 20000 {
		raw := bytes.Clone(inputs[rng.IntN(len(inputs))])
		switch rng.IntN(3) {
		case 0:
			raw[rng.IntN(len(raw))] = byte(rng.IntN(128))
		case 1:
			raw = raw[:rng.IntN(len(raw))]
		case 2:
			i := rng.IntN(len(raw))
			raw = append(raw[:i], append([]byte(`"x":1,`), raw[i:]...)...)
		}
		sameAsEncodingJSON(t, raw)
	}
}

func BenchmarkDecodeChange(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	var cs []Change
	for len(cs) < 12 {
		cs = causalHistory(rng)
	}
	raw, _ := cs[len(cs)-1].Encode()
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, err := Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeChangeJSON(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestValidNameIsThePattern checks validName against the expression it stands for.
func TestValidNameIsThePattern(t *testing.T) {
	t.Parallel()
	pattern := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "aZ09_.-/ é\x00:"
	cases := []string{"", "a", strings.Repeat("a", 64), strings.Repeat("a", 65), "_a", "a_", ".", "a.b-c_d", "ticket", "rq-1"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(70) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		if validName(c) != pattern.MatchString(c) {
			t.Fatalf("validName(%q) = %v", c, validName(c))
		}
	}
}
