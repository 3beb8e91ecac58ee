package app

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"outpost/backend/coaching"
	"outpost/backend/core/attach"
)

// In the window a coaching note's file is picked in the native dialog, sealed like an
// upload, and saved decrypted where the person chooses; what the blob store holds is
// ciphertext, so saving it as an attachment would not be the file.
func TestTheWindowAttachesAndSavesASealedFile(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	if _, err := a.Identity.SetUp("Ana", "lead", ""); err != nil {
		t.Fatal(err)
	}
	note, err := a.Coaching.AddNote("techbo", coaching.Content{Body: "One-on-one"}, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "review.txt")
	data := bytes.Repeat([]byte("Marigold-Pangolin-6021\n"), 500)
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	a.SetFilePicker(chooses(src))
	at, err := a.Attachments.AttachFile(coaching.Kind, note.ID)
	if err != nil || at.Name != "review.txt" {
		t.Fatalf("AttachFile = %+v, %v", at, err)
	}
	if list, _ := a.Attachments.List(coaching.Kind, note.ID); len(list) != 1 || list[0].Name != attach.SealedName {
		t.Fatalf("the clear record names %+v", list)
	}
	out := filepath.Join(dir, "saved.txt")
	a.SetFilePicker(chooses(out))
	if err := a.Coaching.SaveFile(note.ID, string(at.Hash)); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("saved %d bytes (%v), want the file's %d", len(got), err, len(data))
	}
	a.SetFilePicker(chooses(filepath.Join(dir, "never.txt")))
	if err := a.Coaching.SaveFile("no-such-note", string(at.Hash)); err == nil {
		t.Fatal("a file of no note was saved")
	}
	if _, err := os.Stat(filepath.Join(dir, "never.txt")); !os.IsNotExist(err) {
		t.Fatalf("a refused save wrote a file: %v", err)
	}
}
