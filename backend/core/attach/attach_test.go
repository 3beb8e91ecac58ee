package attach

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
)

type fixture struct {
	st    *store.Store
	blobs *blob.Store
}

func setup(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), store.Options{Dir: dir, DeviceName: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.Open(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{st, blobs}
}

func (f fixture) record(t *testing.T, kind, id string) {
	t.Helper()
	op, _ := change.Set("title", "Printer on floor 2 jams", nil)
	_, err := f.st.Update(context.Background(), "ana", func(tx *store.Tx) error {
		_, err := tx.Write(kind, id, []change.Op{op})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f fixture) put(t *testing.T, b []byte) blob.Hash {
	t.Helper()
	h, _, err := f.blobs.Put(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f fixture) list(t *testing.T, kind, id string) []Attachment {
	t.Helper()
	rec, err := f.st.Get(kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return List(rec, f.blobs)
}

var png = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)

func TestAddListRemove(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	f.record(t, "ticket", "t1")
	h := f.put(t, png)
	a, err := Add(ctx, f.st, f.blobs, "ana", "ticket", "t1", Meta{Hash: h, Name: `C:\Users\ana\Desktop\error.png`, Size: 1, Type: "text/html"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "error.png" || a.Type != "image/png" || a.Size != int64(len(png)) || !a.Here || a.By != "ana" {
		t.Fatalf("added %+v: want the base name, a sniffed type and the real size", a)
	}
	man, _ := f.blobs.Manifest(h)
	if a.Pieces != man.ListHash() {
		t.Fatal("the attachment does not carry the blob's manifest hash")
	}
	got := f.list(t, "ticket", "t1")
	if len(got) != 1 || got[0].ID != a.ID || got[0].Name != "error.png" || time.Since(got[0].At) > time.Minute {
		t.Fatalf("listed %+v", got)
	}
	rec, _ := f.st.Get("ticket", "t1")
	if Count(rec) != 1 {
		t.Fatalf("Count = %d after one attachment", Count(rec))
	}
	live, err := Live(f.st)
	if err != nil || !live[h] {
		t.Fatalf("live = %v, %v", live, err)
	}
	if err := Remove(ctx, f.st, "ben", "ticket", "t1", a.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.list(t, "ticket", "t1"); len(got) != 0 {
		t.Fatalf("after removal listed %+v", got)
	}
	if rec, _ := f.st.Get("ticket", "t1"); Count(rec) != 0 {
		t.Fatal("a removed attachment is still counted")
	}
	if live, _ := Live(f.st); live[h] {
		t.Fatal("a removed attachment's blob is still live")
	}
	hist, _ := f.st.History("ticket", "t1")
	if len(hist) != 3 {
		t.Fatalf("history has %d changes, want create, attach and remove", len(hist))
	}
}

func TestAddRefusals(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	f.record(t, "ticket", "t1")
	h := f.put(t, png)
	cases := []struct {
		name, kind, id string
		hash           blob.Hash
		want           string
	}{
		{"wrong kind", "technician", "t1", h, "attachments go on tickets, visits and SOPs"},
		{"no such ticket", "ticket", "nope", h, "no such attachment"},
		{"bytes missing", "ticket", "t1", blob.Hash(strings.Repeat("ab", 32)), "not received whole"},
	}
	for _, c := range cases {
		_, err := Add(ctx, f.st, f.blobs, "ana", c.kind, c.id, Meta{Hash: c.hash, Name: "x.png"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	var fe *field.Error
	_, err := Add(ctx, f.st, f.blobs, "ana", "technician", "t1", Meta{Hash: h})
	if !errors.As(err, &fe) {
		t.Errorf("a wrong kind is not a field error: %T", err)
	}
	if err := Remove(ctx, f.st, "ana", "ticket", "t1", "no-such-item"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing a missing attachment: %v", err)
	}
}

func TestSafeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"../../etc/passwd":          "passwd",
		`..\..\Windows\win.ini`:     "win.ini",
		"report\x00.pdf":            "report_.pdf",
		"a<b>c:d\"e|f?g*h.txt":      "a_b_c_d_e_f_g_h.txt",
		"   ":                       "file",
		"..":                        "file",
		"Überweisung März.pdf":      "Überweisung März.pdf",
		"\xff\xfename.txt":          "_name.txt",
		strings.Repeat("é", 300):    strings.Repeat("é", MaxName),
		"photo.jpg. ":               "photo.jpg",
		"<script>alert(1)</script>": "script_",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// A malformed item written by a peer running other code is left out, never shown.
func TestListSkipsMalformedItems(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.record(t, "ticket", "t1")
	bad, _ := change.Append(FieldItems, map[string]any{"hash": "../../x", "name": "x", "size": 1, "pieces": "y"})
	_, err := f.st.Update(context.Background(), "mallory", func(tx *store.Tx) error {
		_, err := tx.Write("ticket", "t1", []change.Op{bad})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.list(t, "ticket", "t1"); len(got) != 0 {
		t.Fatalf("listed %+v", got)
	}
}
