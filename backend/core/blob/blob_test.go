package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func sum(b []byte) Hash {
	s := sha256.Sum256(b)
	return Hash(hex.EncodeToString(s[:]))
}

func open(t *testing.T, max int64) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, max)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

func TestPutOpenVerify(t *testing.T) {
	t.Parallel()
	s, dir := open(t, 0)
	photo := bytes.Repeat([]byte("rack 4, serial 8812-A "), 10_000)
	h, n, err := s.Put(bytes.NewReader(photo))
	if err != nil || h != sum(photo) || n != int64(len(photo)) {
		t.Fatalf("Put = %s, %d, %v", h, n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, Dir, string(h[:2]), string(h))); err != nil {
		t.Fatalf("not stored under its hash: %v", err)
	}
	f, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, photo) || s.Verify(h) != nil || !s.Has(h) {
		t.Fatal("the stored bytes do not read back")
	}
	if again, _, err := s.Put(bytes.NewReader(photo)); err != nil || again != h {
		t.Fatalf("storing the same bytes again = %s, %v", again, err)
	}
	if b, c, err := s.Usage(); err != nil || b != int64(len(photo)) || c != 1 {
		t.Fatalf("Usage = %d bytes, %d blobs, %v", b, c, err)
	}
	if _, err := s.Open(sum([]byte("other"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open(missing) = %v", err)
	}
}

func TestRefusalsStoreNothing(t *testing.T) {
	t.Parallel()
	s, dir := open(t, 1000)
	if _, _, err := s.Put(bytes.NewReader(make([]byte, 1001))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Put over the limit = %v", err)
	}
	if _, err := s.PutVerified(strings.NewReader("what the peer sent"), sum([]byte("what was asked for"))); !errors.Is(err, ErrMismatch) {
		t.Fatalf("PutVerified with other bytes = %v", err)
	}
	if _, _, err := s.Put(io.MultiReader(strings.NewReader("half a file"), failing{})); err == nil {
		t.Fatal("a read error stored the file")
	}
	if _, c, _ := s.Usage(); c != 0 {
		t.Fatalf("%d blobs stored by refused writes", c)
	}
	left, _ := os.ReadDir(filepath.Join(dir, Dir, "tmp"))
	if len(left) != 0 {
		t.Fatalf("%d temporary files left behind", len(left))
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disconnected") }

func TestDamagedBlobIsFoundAndRemoved(t *testing.T) {
	t.Parallel()
	s, dir := open(t, 0)
	h, _, err := s.Put(strings.NewReader("vpn client log"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, Dir, string(h[:2]), string(h)), []byte("vpn client lag"), 0o600)
	if err := s.Verify(h); !errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify(damaged) = %v", err)
	}
	if s.Has(h) {
		t.Fatal("a damaged blob is still offered")
	}
}

func TestCollectKeepsWhatLiveRecordsName(t *testing.T) {
	t.Parallel()
	s, _ := open(t, 0)
	keep, _, _ := s.Put(strings.NewReader("screenshot of the error"))
	drop, _, _ := s.Put(strings.NewReader("an attachment that was removed"))
	if freed, _ := s.Collect(func(h Hash) bool { return h == keep }, time.Hour); freed != 0 {
		t.Fatalf("Collect removed %d bytes of files younger than the grace period", freed)
	}
	freed, err := s.Collect(func(h Hash) bool { return h == keep }, 0)
	if err != nil || freed != int64(len("an attachment that was removed")) {
		t.Fatalf("Collect = %d, %v", freed, err)
	}
	if !s.Has(keep) || s.Has(drop) {
		t.Fatalf("after Collect: keep %v, drop %v", s.Has(keep), s.Has(drop))
	}
}

func TestConcurrentPutsOfTheSameFile(t *testing.T) {
	t.Parallel()
	s, _ := open(t, 0)
	data := bytes.Repeat([]byte{7}, 1<<20)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if h, _, err := s.Put(bytes.NewReader(data)); err != nil || h != sum(data) {
				t.Errorf("Put = %s, %v", h, err)
			}
		}()
	}
	wg.Wait()
	if err := s.Verify(sum(data)); err != nil {
		t.Fatal(err)
	}
}

func TestParseHash(t *testing.T) {
	t.Parallel()
	good := string(sum([]byte("x")))
	for s, ok := range map[string]bool{good: true, strings.ToUpper(good): false, good[:60]: false, "../../etc/passwd": false, "": false,
		strings.Repeat("g", 64): false} {
		if _, err := ParseHash(s); (err == nil) != ok {
			t.Errorf("ParseHash(%q) = %v", s, err)
		}
	}
}
