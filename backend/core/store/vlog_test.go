package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outpost/backend/core/change"
)

// A record rewritten many times leaves its earlier versions in the value log; collection
// rewrites the files they fill, and the record reads its last value after it.
func TestValueLogCollectionFreesReplacedVersions(t *testing.T) {
	dir := t.TempDir()
	open := func() *Store {
		s, err := Open(context.Background(), Options{Dir: dir, DeviceName: "test", Logger: quietLogger(), valueLogFileSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	ctx := context.Background()
	var last string
	for i := range 120 {
		last = strings.Repeat(string(rune('a'+i%26)), 40<<10)
		_, err := s.Update(ctx, "tester", func(tx *Tx) error {
			rec, err := tx.Get("ticket", "t1")
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			_, err = tx.Write("ticket", "t1", []change.Op{set(t, "description", last, rec.Heads("description"))})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.Close() // a clean close compacts level 0, which counts the replaced versions
	s = open()
	defer s.Close()
	before := vlogBytes(t, dir)
	n, err := s.cleanValueLog(make(chan struct{}))
	if err != nil {
		t.Fatal(err)
	}
	after := vlogBytes(t, dir)
	if n == 0 || after >= before {
		t.Fatalf("collection rewrote %d files; value log %d -> %d bytes", n, before, after)
	}
	rec, err := s.Get("ticket", "t1")
	if err != nil || rec.String("description") != last {
		t.Fatalf("the record after collection: %v, %d bytes of description", err, len(rec.String("description")))
	}
}

func vlogBytes(t *testing.T, dir string) int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "db", "*.vlog"))
	var n int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}
