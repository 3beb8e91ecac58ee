package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"outpost/app/apptest"
	"outpost/backend/ticket"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestIdentityAndCoachingOverHTTP(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer srv.Close()

	before, err := a.Tickets.Create(ticket.NewTicket{Title: "Printer jams"})
	if err != nil {
		t.Fatal(err)
	}
	if before.CreatedBy != "desk-1" {
		t.Fatalf("author before set-up = %q, want the device name", before.CreatedBy)
	}

	steps := []struct {
		name, path, body string
		wantStatus       int
		wantInBody       string
	}{
		{"not set up", "/api/IdentityService/Me", `[]`, 200, `"set":false`},
		{"coaching needs a person", "/api/CoachingService/Notes", `["techbo"]`, 400, "set up who you are"},
		{"bad role", "/api/IdentityService/SetUp", `["Ana","boss",""]`, 400, `"field":"role"`},
		{"set up as technician", "/api/IdentityService/SetUp", `["Ana","technician","techana"]`, 200, `"recipient":"age1`},
		{"technician cannot write coaching", "/api/CoachingService/AddNote", `["techbo",{"body":"x"},false]`, 400, "only a lead or coordinator"},
		{"become lead", "/api/IdentityService/SetUp", `["Ana","lead",""]`, 200, `"role":"lead"`},
		{"add note", "/api/CoachingService/AddNote", `["techbo",{"title":"March","body":"Good call handling","tickets":["ABCD-1"]},false]`, 200, `"title":"March"`},
		{"add action", "/api/CoachingService/AddAction", `["techbo",{"title":"Read the VPN SOP","due":"2020-01-01"},false]`, 200, `"overdue":true`},
		{"bad due date", "/api/CoachingService/AddAction", `["techbo",{"title":"x","due":"tomorrow"},false]`, 400, `"field":"due"`},
		{"share without the technician's key", "/api/CoachingService/AddGoal", `["techbo",{"title":"FCR"},true]`, 400, `"field":"shared"`},
		{"notes", "/api/CoachingService/Notes", `["techbo"]`, 200, `"title":"Read the VPN SOP"`},
		{"subjects", "/api/CoachingService/Subjects", `[]`, 200, `"openActions":1`},
		{"missing item", "/api/CoachingService/Get", `["nope"]`, 400, "coaching item not found"},
		{"people", "/api/IdentityService/People", `[]`, 200, `"name":"Ana"`},
		{"short passphrase", "/api/IdentityService/Export", `["short"]`, 400, `"field":"passphrase"`},
	}
	for _, s := range steps {
		status, _, body := call(t, srv, testToken, s.path, s.body)
		if status != s.wantStatus || !strings.Contains(body, s.wantInBody) {
			t.Fatalf("%s: %s -> %d %s; want %d containing %q", s.name, s.path, status, body, s.wantStatus, s.wantInBody)
		}
	}

	after, err := a.Tickets.Create(ticket.NewTicket{Title: "Monitor flickers"})
	if err != nil {
		t.Fatal(err)
	}
	if after.CreatedBy != "Ana" {
		t.Fatalf("author after set-up = %q, want the person's name", after.CreatedBy)
	}
	if info, _ := a.System.Info(); info.Me != "Ana" {
		t.Fatalf("SystemService.Info().Me = %q", info.Me)
	}

	// The lead's other device imports the identity and, once synced, reads the notes.
	_, _, body := call(t, srv, testToken, "/api/IdentityService/Export", `["a long enough passphrase"]`)
	var text string
	if err := json.Unmarshal([]byte(body), &text); err != nil || !strings.Contains(text, "BEGIN AGE ENCRYPTED FILE") {
		t.Fatalf("export = %s", body)
	}
	b := openApp(t)
	if _, err := b.Identity.Import(text, "wrong passphrase!"); !apptest.IsField(err, "passphrase") {
		t.Fatalf("import with a wrong passphrase: %v", err)
	}
	me, err := b.Identity.Import(text, "a long enough passphrase")
	if err != nil || !me.Set || me.Name != "Ana" {
		t.Fatalf("import: %+v %v", me, err)
	}
	var backup bytes.Buffer // the first device's changes reach the second as a backup restored there
	if err := a.WriteBackup(&backup, false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lead.outpost")
	if err := os.WriteFile(path, backup.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := b.RestoreFile(path); err != nil || res.Rejected > 0 {
		t.Fatalf("restore: %v %+v", err, res.Rejected)
	}
	v, err := b.Coaching.Notes("techbo")
	if err != nil || len(v.Notes) != 1 || len(v.Actions) != 1 {
		t.Fatalf("second device's notes: %+v %v", v, err)
	}
}
