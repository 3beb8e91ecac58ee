package sealed

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
)

type note struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

func newKey(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func reader(person string, id *age.X25519Identity) Reader {
	return Reader{Person: person, Key: id.Recipient().String()}
}

func TestSealRoundTrip(t *testing.T) {
	t.Parallel()
	lead, tech, other := newKey(t), newKey(t), newKey(t)
	want := note{Title: "Escalates too early", Body: "Talked through the VPN ticket; aim to gather logs first."}
	box, err := Seal(want, []Reader{reader("lead", lead), reader("tech", tech), reader("lead", lead)})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(box.Readers, ","); got != "lead,tech" {
		t.Fatalf("readers = %s, want lead,tech (sorted, deduplicated)", got)
	}
	if strings.Contains(box.Data, "VPN") || strings.Contains(box.Data, "Escalates") {
		t.Fatal("ciphertext carries plaintext")
	}
	for _, tc := range []struct {
		name string
		id   *age.X25519Identity
		err  error
	}{
		{"lead opens", lead, nil},
		{"technician opens", tech, nil},
		{"someone else cannot", other, ErrNotReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got note
			err := box.Open(tc.id, &got)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Open: %v, want %v", err, tc.err)
			}
			if tc.err == nil && got != want {
				t.Fatalf("Open = %+v, want %+v", got, want)
			}
		})
	}
	if !box.Has("tech") || box.Has("other") {
		t.Fatal("Has disagrees with the reader list")
	}
}

func TestTamperedBoxFailsCleanly(t *testing.T) {
	t.Parallel()
	lead, tech := newKey(t), newKey(t)
	box, err := Seal(note{Title: "t", Body: strings.Repeat("b", 200)}, []Reader{reader("lead", lead)})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(box.Data)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.StdEncoding.EncodeToString(b)
	}
	other, err := Seal(note{Title: "x"}, []Reader{reader("tech", tech)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		box  Box
		err  error
	}{
		{"flipped byte in payload", Box{Readers: box.Readers, Data: flip(len(raw) - 5)}, ErrDamaged},
		{"flipped byte in header", Box{Readers: box.Readers, Data: flip(len("age-encryption.org/v1\n-> X25519 ") + 3)}, nil},
		{"flipped header MAC", Box{Readers: box.Readers, Data: flip(strings.Index(string(raw), "\n--- ") + 8)}, ErrDamaged},
		{"truncated", Box{Readers: box.Readers, Data: base64.StdEncoding.EncodeToString(raw[:len(raw)-10])}, ErrDamaged},
		{"only a header", Box{Readers: box.Readers, Data: base64.StdEncoding.EncodeToString(raw[:40])}, ErrDamaged},
		{"not base64", Box{Readers: box.Readers, Data: "%%%"}, ErrDamaged},
		{"not an age file", Box{Readers: box.Readers, Data: base64.StdEncoding.EncodeToString([]byte("hello"))}, ErrDamaged},
		{"empty ciphertext", Box{Readers: box.Readers}, ErrDamaged},
		{"no readers", Box{Data: box.Data}, ErrNoReaders},
		{"reader list widened in the clear", Box{Readers: []string{"lead", "tech"}, Data: box.Data}, ErrDamaged},
		{"ciphertext swapped for another item's", Box{Readers: box.Readers, Data: other.Data}, ErrNotReader},
		{"oversized", Box{Readers: box.Readers, Data: strings.Repeat("A", MaxData+4)}, ErrDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got note
			err := tc.box.Open(lead, &got)
			if tc.err == nil {
				// A flipped byte inside the recipient stanza makes the stanza not ours
				// or the header MAC fail: either way it must not open.
				if err == nil {
					t.Fatal("a tampered box opened")
				}
				if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNotReader) {
					t.Fatalf("Open: %v, want a damaged or not-a-reader error", err)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("Open: %v, want %v", err, tc.err)
			}
		})
	}
}

func TestSealRejects(t *testing.T) {
	t.Parallel()
	lead := newKey(t)
	many := make([]Reader, MaxReaders+1)
	for i := range many {
		many[i] = reader(strings.Repeat("p", i+1), newKey(t))
	}
	for _, tc := range []struct {
		name    string
		v       any
		readers []Reader
		err     error
	}{
		{"nobody", note{}, nil, ErrNoReaders},
		{"too large", note{Body: strings.Repeat("x", MaxPlaintext)}, []Reader{reader("lead", lead)}, ErrTooLarge},
		{"bad key", note{}, []Reader{{Person: "lead", Key: "age1nope"}}, nil},
		{"empty person", note{}, []Reader{{Key: lead.Recipient().String()}}, nil},
		{"too many readers", note{}, many, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Seal(tc.v, tc.readers)
			if err == nil {
				t.Fatal("Seal accepted it")
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("Seal: %v, want %v", err, tc.err)
			}
		})
	}
}

func FuzzOpen(f *testing.F) {
	lead := newKey(f)
	box, err := Seal(note{Title: "t"}, []Reader{reader("lead", lead)})
	if err != nil {
		f.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(box.Data)
	f.Add(raw)
	f.Add([]byte("age-encryption.org/v1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got note
		err := Box{Readers: []string{"lead"}, Data: base64.StdEncoding.EncodeToString(b)}.Open(lead, &got)
		if err == nil && string(b) != string(raw) {
			// Only a genuine seal to lead can open; anything else must fail cleanly.
			if !strings.HasPrefix(string(b), "age-encryption.org/v1") {
				t.Fatalf("opened a non-age input")
			}
		}
	})
}

func BenchmarkSealOpen(b *testing.B) {
	lead, tech := newKey(b), newKey(b)
	v := note{Title: "weekly one-on-one", Body: strings.Repeat("notes ", 300)}
	readers := []Reader{reader("lead", lead), reader("tech", tech)}
	for b.Loop() {
		box, err := Seal(v, readers)
		if err != nil {
			b.Fatal(err)
		}
		var got note
		if err := box.Open(tech, &got); err != nil {
			b.Fatal(err)
		}
	}
}
