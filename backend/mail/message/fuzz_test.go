package message

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// FuzzParse feeds Parse arbitrary bytes: it must never panic, refuse only with an error in human
// words, and hand back what it promises (a header hash, safe attachment names, sanitised HTML).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<script>x</script>\r\n--x"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, 1<<20)
		if err != nil {
			if !humanError(err.Error()) {
				t.Fatalf("error not in human words: %q", err)
			}
			return
		}
		if len(m.HeaderHash) != 64 || m.Size != len(raw) {
			t.Fatalf("header hash %q, size %d of %d", m.HeaderHash, m.Size, len(raw))
		}
		if strings.Contains(strings.ToLower(m.HTML), "<script") {
			t.Fatalf("script in sanitised HTML: %q", m.HTML)
		}
		for _, p := range m.Attachments {
			if p.Name == "" || strings.ContainsAny(p.Name, `/\`) || strings.IndexFunc(p.Name, unicode.IsControl) >= 0 {
				t.Fatalf("unsafe attachment name %q", p.Name)
			}
		}
		for _, p := range m.Problems {
			if p == "" || strings.IndexFunc(p, unicode.IsControl) >= 0 {
				t.Fatalf("problem not in words: %q", p)
			}
		}
	})
}
