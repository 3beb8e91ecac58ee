package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"outpost/backend/core/change"
)

// smallDisk mounts a tmpfs of size megabytes for the test, or skips the test where
// mounting is not allowed (not root, or a container without the right).
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a small file system needs root to mount (tmpfs); run as root to fill a real disk")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dm", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// A disk that fills up refuses writes in words, before Badger's memory-mapped
// files run out of pages (which kills the process with SIGBUS): every write
// acknowledged before is still there after a restart, and reads keep working.
func TestFullDiskRefusesWritesInWordsAndLosesNothing(t *testing.T) {
	dir := smallDisk(t, 200)
	s, err := Open(context.Background(), Options{Dir: dir, DeviceName: "test", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 150<<10)
	var acked []string
	var refused error
	for i := 0; i < 2000 && refused == nil; i++ {
		_, _ = rand.Read(body)
		id := fmt.Sprintf("n%04d", i)
		_, err := s.Update(context.Background(), "me", func(tx *Tx) error {
			_, err := tx.Write("note", id, []change.Op{set(t, "body", base64.StdEncoding.EncodeToString(body), nil)})
			return err
		})
		if err != nil {
			refused = err
			break
		}
		acked = append(acked, id)
	}
	if !errors.Is(refused, ErrDiskFull) {
		t.Fatalf("after %d writes: %v, want the disk-full refusal", len(acked), refused)
	}
	if msg := refused.Error(); !strings.Contains(msg, "nearly full") || !strings.Contains(msg, "Nothing was saved") {
		t.Fatalf("message = %q", msg)
	}
	if len(acked) < 100 {
		t.Fatalf("only %d writes before the refusal: the margin leaves too little of a 200 MB disk", len(acked))
	}
	if _, err := s.Get("note", acked[len(acked)-1]); err != nil {
		t.Fatalf("read on a full disk: %v", err)
	}
	if _, err := s.Apply(nil); err != nil && !errors.Is(err, ErrDiskFull) {
		t.Fatalf("apply on a full disk: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close on a full disk: %v", err)
	}
	s, err = Open(context.Background(), Options{Dir: dir, DeviceName: "test", Logger: quietLogger()})
	if err != nil {
		t.Fatalf("reopen after the disk filled: %v", err)
	}
	defer s.Close()
	for _, id := range acked {
		if _, err := s.Get("note", id); err != nil {
			t.Fatalf("acknowledged write %s lost: %v", id, err)
		}
	}
}
