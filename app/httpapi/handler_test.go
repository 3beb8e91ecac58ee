package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"outpost/app"
	"outpost/backend/ticket"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func call(t *testing.T, srv *httptest.Server, token, path, body string) (int, map[string]any, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func TestHTTPAPI(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	assets := fstest.MapFS{"index.html": {Data: []byte("<title>Outpost</title>")}}
	srv := httptest.NewServer(Handler(a, assets, testToken))
	defer srv.Close()

	tests := []struct {
		name       string
		token      string
		path, body string
		wantStatus int
		wantInBody string
	}{
		{"no token", "", "/api/TicketService/Queue", `[{}]`, 401, "not authorised"},
		{"wrong token", "nope", "/api/TicketService/Queue", `[{}]`, 401, "not authorised"},
		{"create", testToken, "/api/TicketService/Create", `[{"title":"Wi-Fi drops in meeting room 2","impact":"medium","urgency":"high"}]`, 200, `"priority":2`},
		{"field error", testToken, "/api/TicketService/Create", `[{"title":""}]`, 400, `"field":"title"`},
		{"wrong type", testToken, "/api/TicketService/Create", `[{"title":42}]`, 400, "should be string"},
		{"garbage body", testToken, "/api/TicketService/Create", `{{{`, 400, "JSON array"},
		{"wrong arity", testToken, "/api/TicketService/Get", `[]`, 400, "takes 1 arguments"},
		{"unknown method", testToken, "/api/TicketService/Drop", `[]`, 404, "no such method"},
		{"unknown service", testToken, "/api/Nope/Get", `[]`, 404, "no such method"},
		{"unexported", testToken, "/api/TicketService/me", `[]`, 404, "no such method"},
		{"missing ticket", testToken, "/api/TicketService/Get", `["zzz"]`, 400, "ticket not found"},
		{"unknown field", testToken, "/api/TicketService/Create", `[{"title":"Printer","priorty":1}]`, 400, `"field":"priorty"`},
		{"unknown field of garbage", testToken, "/api/TicketService/Queue", `[{"\u0000x":1}]`, 400, "holds a field it does not take"},
		{"unknown sort", testToken, "/api/TicketService/Queue", `[{"sort":"banana"}]`, 400, `"field":"sort"`},
		{"negative limit", testToken, "/api/TicketService/Queue", `[{"limit":-1}]`, 400, `"field":"limit"`},
		{"huge limit", testToken, "/api/TicketService/Queue", `[{"limit":1000000}]`, 400, `"field":"limit"`},
		{"negative offset", testToken, "/api/TicketService/Queue", `[{"offset":-5}]`, 400, `"field":"offset"`},
		{"a result without an error", testToken, "/api/MailService/Status", `[]`, 200, "[]"},
		{"unknown status", testToken, "/api/TicketService/Queue", `[{"statuses":["sleeping"]}]`, 400, `"field":"statuses"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, srv, tt.token, tt.path, tt.body)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantInBody) {
				t.Fatalf("%s -> %d %s; want %d containing %q", tt.path, status, body, tt.wantStatus, tt.wantInBody)
			}
		})
	}
	_, m, _ := call(t, srv, testToken, "/api/TicketService/Queue", `[{}]`)
	if m["total"] != 1.0 {
		t.Fatalf("queue after one create = %v", m)
	}
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("static index: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestEventsStreamCommits(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/events", nil)
	req.AddCookie(&http.Cookie{Name: cookieName(req.Host), Value: testToken}) // as a browser sends it once the link was opened
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rd := bufio.NewReader(resp.Body)
	if line, _ := rd.ReadString('\n'); !strings.HasPrefix(line, ": connected") {
		t.Fatalf("first line %q", line)
	}
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Laptop will not boot"})
	if err != nil {
		t.Fatal(err)
	}
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before the event: %v", err)
		}
		data, ok := strings.CutPrefix(strings.TrimSpace(line), "data: ")
		if !ok {
			continue
		}
		var m struct {
			Name string             `json:"name"`
			Data app.RecordsChanged `json:"data"`
		}
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			t.Fatal(err)
		}
		if m.Name == app.EventRecordsChanged && m.Data.Kind == ticket.Kind && m.Data.IDs[0] == tk.ID {
			return
		}
	}
}
