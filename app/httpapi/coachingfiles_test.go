package httpapi

import (
	"bytes"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"testing"

	"outpost/app/apptest"
	"outpost/backend/coaching"
	"outpost/backend/core/attach"
	"outpost/backend/thumb"
)

// A sealed image of a coaching note has a thumbnail for its reader, made in memory: none
// is written to the data directory, and the browser is told not to keep it. Removing the
// file takes it off the note and out of the clear record.
func TestASealedImageHasAThumbnailNeverStored(t *testing.T) {
	t.Parallel()
	a, srv, note := leadWithNote(t)
	resp, body := request(t, srv, "POST", "/api/attachments/coaching/"+note.ID+"?name=whiteboard.png", apptest.Screenshot())
	var at attach.Attachment
	if resp.StatusCode != 200 || json.Unmarshal(body, &at) != nil || at.Type != "image/png" {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	path := "/api/coaching/" + note.ID + "/files/" + string(at.Hash) + "/thumb"
	resp, body = request(t, srv, "GET", path, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("thumbnail: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 320 {
		t.Fatalf("thumbnail is %+v, %v", cfg, err)
	}
	if left, _ := os.ReadDir(filepath.Join(a.DataDir(), thumb.Dir)); len(left) != 0 {
		t.Fatalf("the thumbnail cache holds %d entries of a sealed image", len(left))
	}
	if resp, _ := request(t, srv, "GET", "/api/attachments/"+string(at.Hash)+"/thumb", nil); resp.StatusCode != 415 {
		t.Fatalf("the ciphertext's own thumbnail route answered %d", resp.StatusCode)
	}

	args, _ := json.Marshal([]string{note.ID, string(at.Hash)})
	resp, body = request(t, srv, "POST", "/api/CoachingService/RemoveFile", args)
	var it coaching.Item
	if resp.StatusCode != 200 || json.Unmarshal(body, &it) != nil || len(it.Files) != 0 {
		t.Fatalf("remove: %d %s", resp.StatusCode, body)
	}
	if resp, _ := request(t, srv, "GET", path, nil); resp.StatusCode != 404 {
		t.Fatalf("the removed file's thumbnail answered %d", resp.StatusCode)
	}
	if list, _ := a.Attachments.List("coaching", note.ID); len(list) != 0 {
		t.Fatalf("the clear record still names %+v", list)
	}
}
