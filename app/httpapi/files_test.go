package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"outpost/app/apptest"
	"outpost/backend/demo"
	"outpost/backend/queue"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestHTTPBackupDownloadAndRestoreUpload(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	if _, err := a.Data.LoadDemo(demo.Config{Tickets: 40, Technicians: 3, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	src := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer src.Close()
	get := func(token string) (int, []byte, http.Header) {
		req, _ := http.NewRequest("GET", src.URL+"/api/data/backup", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := src.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body, resp.Header
	}
	if code, _, _ := get(""); code != http.StatusUnauthorized {
		t.Fatalf("backup without the token: %d", code)
	}
	code, file, h := get(testToken)
	if code != http.StatusOK || !bytes.HasPrefix(file, []byte("OUTPOST-BACKUP\n")) ||
		!strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="outpost-`) {
		t.Fatalf("backup: %d, %q..., %v", code, file[:min(20, len(file))], h)
	}

	b := openApp(t)
	dst := httptest.NewServer(Handler(b, fstest.MapFS{}, testToken))
	defer dst.Close()
	for _, tc := range []struct {
		name   string
		body   []byte
		status int
		want   string
	}{
		{"not a backup", []byte("Subject,Priority\nPrinter,High\n"), 400, "File: this file is not an Outpost backup"},
		{"truncated", file[:len(file)-40], 400, "File: this backup is damaged or incomplete"},
		{"the backup", file, 200, `"applied":`},
		{"the same backup again", file, 200, `"applied":0,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, raw := call(t, dst, testToken, "/api/data/restore", string(tc.body))
			if code != tc.status || !strings.Contains(raw, tc.want) {
				t.Fatalf("restore: %d %s, want %d with %q", code, raw, tc.status, tc.want)
			}
		})
	}
	apptest.Eventually(t, 5*time.Second, func() bool { r, _ := b.Tickets.Queue(queue.Filter{IncludeClosed: true}); return r.Total == 40 })
	left, _ := os.ReadDir(filepath.Join(b.DataDir(), "scratch"))
	if len(left) != 0 {
		t.Fatalf("%d files left in the scratch folder", len(left))
	}
}
