package httpapi

import (
	"bytes"
	"encoding/json"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"outpost/app"
	"outpost/app/apptest"
	"outpost/backend/coaching"
	"outpost/backend/core/attach"
	"outpost/backend/filepolicy"
	"outpost/backend/ticket"
	"strings"
	"testing"
	"testing/fstest"
)

func request(t *testing.T, srv *httptest.Server, method, path string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// A pasted screenshot goes up, is listed with a sniffed type, has a thumbnail and comes
// back as a download; an HTML or SVG file is never served as a page.
func TestAttachmentsOverHTTP(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken))
	defer srv.Close()
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "VPN drops every hour"})
	if err != nil {
		t.Fatal(err)
	}
	shot := apptest.Screenshot()
	resp, body := request(t, srv, "POST", "/api/attachments/ticket/"+tk.ID+"?name="+url.QueryEscape("Screenshot 2026-12-06.png"), shot)
	if resp.StatusCode != 200 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var at attach.Attachment
	if err := json.Unmarshal(body, &at); err != nil || at.Type != "image/png" || at.Size != int64(len(shot)) {
		t.Fatalf("upload answered %s (%v)", body, err)
	}
	list, err := a.Attachments.List("ticket", tk.ID)
	if err != nil || len(list) != 1 || list[0].Hash != at.Hash || !list[0].Here {
		t.Fatalf("List = %+v, %v", list, err)
	}

	resp, body = request(t, srv, "GET", "/api/attachments/"+string(at.Hash)+"/thumb", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("thumbnail: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 320 || cfg.Height != 200 {
		t.Fatalf("thumbnail is %+v, %v", cfg, err)
	}

	resp, body = request(t, srv, "GET", "/api/attachments/"+string(at.Hash)+"?name=../../evil.png", nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, shot) {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(body))
	}
	if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename=evil.png` {
		t.Errorf("Content-Disposition = %q", got)
	}

	for name, content := range map[string]string{
		"page.html": `<html><script>alert(document.cookie)</script></html>`,
		"logo.svg":  `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`,
	} {
		resp, body = request(t, srv, "POST", "/api/attachments/ticket/"+tk.ID+"?name="+name, []byte(content))
		if resp.StatusCode != 200 {
			t.Fatalf("%s upload: %d %s", name, resp.StatusCode, body)
		}
		json.Unmarshal(body, &at)
		if strings.HasPrefix(at.Type, "image/svg") {
			t.Errorf("%s sniffed as %s", name, at.Type)
		}
		resp, _ = request(t, srv, "GET", "/api/attachments/"+string(at.Hash)+"?name="+name, nil)
		h := resp.Header
		if h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("Content-Security-Policy") != "sandbox" {
			t.Errorf("%s served with %v", name, h)
		}
		if resp, _ := request(t, srv, "GET", "/api/attachments/"+string(at.Hash)+"/thumb", nil); resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("%s has a thumbnail: %d", name, resp.StatusCode)
		}
	}
}

func TestAttachmentRefusals(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken))
	defer srv.Close()
	for _, c := range []struct {
		method, path string
		want         int
		says         string
	}{
		{"POST", "/api/attachments/ticket/no-such-ticket?name=a.txt", 400, "no such attachment: ticket no-such-ticket"},
		{"POST", "/api/attachments/technician/x?name=a.txt", 400, "attachments go on tickets, visits and SOPs"},
		{"GET", "/api/attachments/../../etc/passwd", 404, ""},
		{"GET", "/api/attachments/" + strings.Repeat("0", 64), 404, "not on this device yet"},
		{"GET", "/api/attachments/not-a-hash/thumb", 404, "no such attachment"},
		{"POST", "/api/AttachmentService/SaveFile", 403, "desktop window"},
		{"POST", "/api/AttachmentService/AttachFile", 403, "desktop window"},
	} {
		resp, body := request(t, srv, c.method, c.path, []byte("hello"))
		if resp.StatusCode != c.want || !strings.Contains(string(body), c.says) {
			t.Errorf("%s %s: %d %s, want %d %q", c.method, c.path, resp.StatusCode, body, c.want, c.says)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/attachments/"+strings.Repeat("0", 64), nil)
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 401 {
		t.Errorf("a download without the token: %v %v", resp.StatusCode, err)
	}
}

// An upload over the team's limit (here lowered to 1 MB) is refused with 413 and the limit in
// words on the file field, and nothing is stored.
func TestAnUploadOverTheLimitIsRefusedInWords(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken))
	defer srv.Close()
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Camera footage"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Attachments.SaveSettings(filepolicy.Settings{MaxFileMB: 1, EagerMB: 1, QuotaMB: 100}); err != nil {
		t.Fatal(err)
	}
	resp, body := request(t, srv, "POST", "/api/attachments/ticket/"+tk.ID+"?name=bay.mp4", make([]byte, 1<<20+1))
	var e struct{ Field, Problem string }
	_ = json.Unmarshal(body, &e)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || e.Field != "file" || !strings.Contains(e.Problem, "limit of 1 MB") {
		t.Fatalf("upload over the limit: %d %s", resp.StatusCode, body)
	}
	if list, _ := a.Attachments.List("ticket", tk.ID); len(list) != 0 {
		t.Fatalf("a refused upload was attached: %+v", list)
	}
	if resp, body := request(t, srv, "POST", "/api/attachments/ticket/"+tk.ID+"?name=clip.mp4", make([]byte, 1<<20)); resp.StatusCode != 200 {
		t.Fatalf("a file at the limit: %d %s", resp.StatusCode, body)
	}
}

// leadWithNote serves an app whose person is a lead holding one private coaching note.
func leadWithNote(t *testing.T) (*app.App, *httptest.Server, coaching.Item) {
	t.Helper()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken))
	t.Cleanup(srv.Close)
	if _, err := a.Identity.SetUp("Ana", "lead", ""); err != nil {
		t.Fatal(err)
	}
	note, err := a.Coaching.AddNote("techbo", coaching.Content{Body: "One-on-one"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return a, srv, note
}

// A file uploaded to a coaching note is stored as ciphertext (the attachment route serves
// only that) and comes back decrypted from the note's own route, to its reader.
func TestACoachingFileIsSealedOverHTTP(t *testing.T) {
	t.Parallel()
	a, srv, note := leadWithNote(t)
	secret := strings.Repeat("Lanternfish-Obsidian-5120 ", 200)
	resp, body := request(t, srv, "POST", "/api/attachments/coaching/"+note.ID+"?name=call-notes.txt", []byte(secret))
	var at attach.Attachment
	if resp.StatusCode != 200 || json.Unmarshal(body, &at) != nil || at.Name != "call-notes.txt" {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	resp, body = request(t, srv, "GET", "/api/attachments/"+string(at.Hash), nil)
	if resp.StatusCode != 200 || strings.Contains(string(body), "Lanternfish") || !strings.HasPrefix(string(body), "age-encryption.org/v1") {
		t.Fatalf("the stored blob: %d, %.40q", resp.StatusCode, body)
	}
	resp, body = request(t, srv, "GET", "/api/coaching/"+note.ID+"/files/"+string(at.Hash), nil)
	if resp.StatusCode != 200 || string(body) != secret || resp.Header.Get("Content-Disposition") != `attachment; filename=call-notes.txt` {
		t.Fatalf("the note's file: %d %q %.40q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	if list, _ := a.Attachments.List("coaching", note.ID); len(list) != 1 || list[0].Name != attach.SealedName {
		t.Fatalf("the clear record names %+v", list)
	}
}
