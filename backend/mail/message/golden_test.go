package message

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// limits are the size limits the golden test parses a fixture with (none when not listed).
var limits = map[string]int{"oversized.eml": 4096}

type goldenPart struct {
	Part
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

type goldenView struct {
	Message
	Attachments []goldenPart
}

type golden struct {
	Error   string      `json:"error,omitempty"`
	Message *goldenView `json:"message,omitempty"`
}

func render(t *testing.T, raw []byte, limit int) []byte {
	t.Helper()
	m, err := Parse(raw, limit)
	var g golden
	if err != nil {
		g.Error = err.Error()
	} else {
		v := goldenView{Message: m, Attachments: []goldenPart{}}
		for _, p := range m.Attachments {
			sum := sha256.Sum256(p.Data)
			v.Attachments = append(v.Attachments, goldenPart{Part: p, Size: len(p.Data), SHA256: hex.EncodeToString(sum[:])})
		}
		g.Message = &v
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return out.Bytes()
}

func TestGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.eml")
	if err != nil || len(files) < 20 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, raw, limits[name])
			path := strings.TrimSuffix(f, ".eml") + ".golden"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s (go test -update rewrites it after review):\n%s", name, path, got)
			}
		})
	}
}

// parseFile parses a fixture with no size limit.
func parseFile(t *testing.T, name string) Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return m
}
