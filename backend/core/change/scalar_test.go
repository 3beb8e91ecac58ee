package change

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// A field read on the plain path reads exactly as encoding/json reads it.
func TestPlainScalarsReadAsEncodingJSON(t *testing.T) {
	t.Parallel()
	values := []string{``, `""`, `"x"`, `"Printer on floor 3"`, `"é ☃ 日本"`, `"a\"b"`, `"a\\b"`, `"\u00e9"`, "\"\xff\xfe\"",
		"\"tab\there\"", `"unterminated`, `"`, `null`, `true`, `false`, `0`, `7`, `-3`, `007`, `-0`, `1.5`, `1e3`,
		`123456789012345678`, `9223372036854775808`, `-`, `" spaced "`, ` "x"`, `"x" `, `{"a":1}`, `[1]`, `tru`}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\"\\\x01\x7f\xc3\xa9\xff 09-.e")
	for range 3000 {
		b := make([]byte, rng.IntN(8))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		values = append(values, string(b), `"`+string(b)+`"`)
	}
	for _, v := range values {
		r := Record{Fields: map[string]Field{"f": {Write: Write{Value: json.RawMessage(v)}}}}
		if v == "" {
			r.Fields = nil
		}
		var s string
		var n int
		var b bool
		_ = json.Unmarshal([]byte(v), &s)
		_ = json.Unmarshal([]byte(v), &n)
		_ = json.Unmarshal([]byte(v), &b)
		if got := r.String("f"); got != s {
			t.Errorf("String(%q) = %q, encoding/json %q", v, got, s)
		}
		if got := r.Int("f"); got != n {
			t.Errorf("Int(%q) = %d, encoding/json %d", v, got, n)
		}
		if got := r.Bool("f"); got != b {
			t.Errorf("Bool(%q) = %v, encoding/json %v", v, got, b)
		}
	}
}
