package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"outpost/backend/ticket"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestKnowledgeBaseOverHTTP walks the knowledge base through the same API the
// browser build uses: write, revise, diff, search, suggest, link, and bad input.
func TestKnowledgeBaseOverHTTP(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer srv.Close()
	post := func(path, body string, wantStatus int) map[string]any {
		t.Helper()
		status, m, raw := call(t, srv, testToken, path, body)
		if status != wantStatus {
			t.Fatalf("%s %s -> %d %s, want %d", path, body, status, raw, wantStatus)
		}
		return m
	}
	created := post("/api/KBService/Create", `[{"title":"Troubleshoot VPN disconnects","body":"Check the IKE lifetime.\n","category":"network","tags":["vpn"],"owner":"alice","reviewBy":"2020-01-01"}]`, 200)
	id, rev1 := created["id"].(string), created["current"].(string)
	if id == "" || rev1 == "" || created["stale"] != true {
		t.Fatalf("created = %v", created)
	}
	args, _ := json.Marshal([]any{id, "Check the IKE lifetime.\nMatch it on the concentrator.\n", "Troubleshoot VPN disconnects", []string{rev1}, "concentrator step"})
	saved := post("/api/KBService/Save", string(args), 200)
	rev2 := saved["current"].(string)
	diff := post("/api/KBService/Diff", `["`+id+`","`+rev1+`","`+rev2+`"]`, 200)
	if diff["added"] != 1.0 || diff["removed"] != 0.0 {
		t.Fatalf("diff = %v", diff)
	}

	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "VPN disconnects every hour", Description: "IKE rekey fails"})
	if err != nil {
		t.Fatal(err)
	}
	var raw string // the search index follows commits on its own goroutine
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(raw, `"id":"`+id+`"`) && time.Now().Before(deadline) {
		_, _, raw = call(t, srv, testToken, "/api/SearchService/Search", `[{"text":"concentrator","facets":true}]`)
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(raw, `"id":"`+id+`"`) || !strings.Contains(raw, `{"text":"concentrator","match":true}`) {
		t.Fatalf("search = %s", raw)
	}
	_, _, raw = call(t, srv, testToken, "/api/KBService/Suggest", `["`+tk.ID+`"]`)
	if !strings.HasPrefix(raw, `[{"kind":"sop","id":"`+id+`"`) {
		t.Fatalf("suggest = %s", raw)
	}
	linked := post("/api/KBService/LinkTicket", `["`+id+`","`+tk.ID+`"]`, 200)
	if linked["resolved"] != 1.0 || !strings.Contains(must(json.Marshal(linked["resolvedTickets"])), tk.Number) {
		t.Fatalf("linked = %v", linked)
	}
	if _, _, raw := call(t, srv, testToken, "/api/KBService/Stale", `["alice"]`); !strings.Contains(raw, id) {
		t.Fatalf("stale = %s", raw)
	}

	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"body over the limit", "/api/KBService/Create", `[{"title":"x","body":"` + strings.Repeat("a", 210<<10) + `"}]`, 400, `"field":"body"`},
		{"missing SOP", "/api/KBService/Get", `["nope"]`, 400, "SOP not found"},
		{"unknown revision", "/api/KBService/Restore", `["` + id + `","zz.1.0"]`, 400, `"field":"revision"`},
		{"bad search filter", "/api/SearchService/Search", `[{"text":"x","kinds":["visit"]}]`, 400, `"field":"kinds"`},
		{"suggest for a missing ticket", "/api/KBService/Suggest", `["nope"]`, 400, "ticket not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, raw := call(t, srv, testToken, tt.path, tt.body)
			if status != tt.status || !strings.Contains(raw, tt.want) {
				t.Fatalf("-> %d %.200s, want %d containing %q", status, raw, tt.status, tt.want)
			}
		})
	}
}
