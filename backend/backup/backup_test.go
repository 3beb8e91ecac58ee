package backup

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/demo"
	"outpost/backend/ticket"
)

var now = time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC)

func open(t testing.TB, name string) *store.Store {
	t.Helper()
	return storetest.OpenWith(t, store.Options{DeviceName: name})
}

// source builds a replica holding its own tickets and a second device's, merged by sync.
func source(t testing.TB) *store.Store {
	t.Helper()
	st := open(t, "laptop")
	if _, err := demo.Load(context.Background(), st, t.TempDir(), demo.Config{Tickets: 80, Technicians: 4, Seed: 2, End: now}, nil); err != nil {
		t.Fatal(err)
	}
	svc := ticket.NewService(st, nil)
	tk, err := svc.Create(context.Background(), "alice", ticket.NewTicket{Title: "Printer jams on the third floor", Category: "printing"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Comment(context.Background(), "alice", tk.ID, "Ordered a new roller", false); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestRoundTripGivesTheSameState(t *testing.T) {
	t.Parallel()
	src := source(t)
	var buf bytes.Buffer
	info, err := Write(src, &buf, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := src.Vector()
	if info.Device != src.Device().ID || info.Changes != int(v[src.Device().ID])+int(v[otherDevice(v, src.Device().ID)]) {
		t.Fatalf("info = %+v, vector %v", info, v)
	}
	dst := open(t, "new laptop")
	var last Progress
	res, err := Restore(context.Background(), dst, nil, bytes.NewReader(buf.Bytes()), func(p Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != info.Changes || res.Rejected != 0 || last.Done != info.Changes {
		t.Fatalf("restore = %+v, last progress %+v", res, last)
	}
	if dst.Device().ID == src.Device().ID {
		t.Fatal("the restored replica took over the original device's identity")
	}
	// The replicas differ only by the restored device's own registration: once the
	// original holds it too, the state hashes are byte-identical.
	mine, err := dst.ChangesAfter(store.Vector{src.Device().ID: v[src.Device().ID], otherDevice(v, src.Device().ID): v[otherDevice(v, src.Device().ID)]}, 1<<20)
	if err != nil || len(mine) != 1 {
		t.Fatalf("restored replica's own changes: %d, %v", len(mine), err)
	}
	if _, err := src.Apply(mine); err != nil {
		t.Fatal(err)
	}
	a, _ := src.StateHash()
	b, _ := dst.StateHash()
	if a != b {
		t.Fatalf("state hash after restore %s, original %s", b, a)
	}
	// Restoring the same backup again changes nothing.
	again, err := Restore(context.Background(), dst, nil, bytes.NewReader(buf.Bytes()), nil)
	if err != nil || again.Applied != 0 || again.Duplicates != info.Changes {
		t.Fatalf("second restore = %+v, %v", again, err)
	}
}

func otherDevice(v store.Vector, not string) string {
	for d := range v {
		if d != not {
			return d
		}
	}
	return ""
}

func TestRestoreRefusesFilesThatAreNotGoodBackups(t *testing.T) {
	t.Parallel()
	src := source(t)
	var buf bytes.Buffer
	if _, err := Write(src, &buf, now, nil); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x20
	newer := bytes.Clone(good)
	newer[len(magic)] = 9
	for _, tc := range []struct {
		name string
		file []byte
		want error
	}{
		{"empty", nil, ErrNotBackup},
		{"text", []byte("id,title\n1,Printer\n"), ErrNotBackup},
		{"garbage", bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 1000), ErrNotBackup},
		{"newer format", newer, ErrNewerFormat},
		{"truncated in the header", good[:20], ErrNotBackup},
		{"truncated in the changes", good[:len(good)/2], ErrDamaged},
		{"truncated checksum", good[:len(good)-5], ErrDamaged},
		{"one byte changed", flipped, ErrDamaged},
		{"trailing data", append(bytes.Clone(good), 'x'), ErrDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := open(t, "new laptop")
			before, _ := dst.StateHash()
			_, err := Restore(context.Background(), dst, nil, bytes.NewReader(tc.file), nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Restore = %v, want %v", err, tc.want)
			}
			if after, _ := dst.StateHash(); after != before {
				t.Fatal("a refused restore wrote something")
			}
		})
	}
}

// TestDamageIsDescribedInWords flips bytes all over a backup: every refusal is one of the
// known sentences, never the damaged bytes themselves.
func TestDamageIsDescribedInWords(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if _, err := Write(source(t), &buf, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), nil); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	words := knownRefusal
	dst := open(t, "new laptop")
	for pos := 0; pos < len(good); pos += max(1, len(good)/150) {
		for _, flip := range []byte{0x01, 0x20, 0x80, 0xff} {
			bad := bytes.Clone(good)
			bad[pos] ^= flip
			_, err := Restore(context.Background(), dst, nil, bytes.NewReader(bad), nil)
			if err == nil {
				t.Fatalf("byte %d ^ %#x: restored", pos, flip)
			}
			if !words.MatchString(err.Error()) {
				t.Fatalf("byte %d ^ %#x: %q is not one of the known sentences", pos, flip, err.Error())
			}
		}
	}
}

// knownRefusal matches every sentence a refused backup may be described by.
var knownRefusal = regexp.MustCompile(`^(` + regexp.QuoteMeta(ErrNotBackup.Error()) + `|` + regexp.QuoteMeta(ErrNewerFormat.Error()) + `|` +
	regexp.QuoteMeta(ErrDamaged.Error()) + `(: change \d+ cannot be read|: data after the end|: holds \d+ changes, its header says \d+|` +
	`: attachment \d+ cannot be read|: holds \d+ attachments, its header says \d+)?)$`)

// FuzzRead reads arbitrary bytes as a backup: never a panic, and a refusal is always one of
// the known sentences (never the file's bytes).
func FuzzRead(f *testing.F) {
	// A real backup of three tickets with comments is the seed in testdata/fuzz/FuzzRead;
	// opening a store here would be repeated in every fuzzing worker.
	f.Add([]byte("OUTPOST-BACKUP\n"))
	f.Add([]byte("id,title\n1,Printer\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		_, err := each(bytes.NewReader(b), func(cs []change.Change) error {
			for _, c := range cs {
				if c.Validate() != nil {
					t.Fatalf("an invalid change was handed on: %+v", c)
				}
			}
			n += len(cs)
			return nil
		}, func(h blob.Hash, r io.Reader) error {
			if _, err := blob.ParseHash(string(h)); err != nil {
				t.Fatalf("a file with hash %q was handed on", h)
			}
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if err != nil && !knownRefusal.MatchString(err.Error()) {
			t.Fatalf("refusal %q is not one of the known sentences", err.Error())
		}
	})
}

func TestWriteFileIsPrivateAndComplete(t *testing.T) {
	t.Parallel()
	src := source(t)
	path := filepath.Join(t.TempDir(), "team.outpost")
	info, err := WriteFile(src, path, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode %v, %v", fi.Mode(), err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	got, err := Verify(f)
	if err != nil || got.Changes != info.Changes || !got.Taken.Equal(now) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".outpost-backup-*"))
	if len(matches) != 0 {
		t.Fatalf("temporary files left: %v", matches)
	}
}

// BenchmarkBackup measures writing a backup of a replica with 2,000 tickets and their histories.
func BenchmarkBackup(b *testing.B) {
	st := open(b, "laptop")
	if _, err := demo.Load(context.Background(), st, b.TempDir(), demo.Config{Tickets: 2000, Seed: 1, End: now}, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Write(st, io.Discard, now, nil); err != nil {
			b.Fatal(err)
		}
	}
}
