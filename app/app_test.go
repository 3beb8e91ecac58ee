package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"outpost/backend/queue"
	"outpost/backend/ticket"
)

func openApp(t testing.TB) *App {
	t.Helper()
	a, err := Open(context.Background(), Config{DataDir: t.TempDir(), DeviceName: "desk-1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

const testToken = "0123456789abcdef0123456789abcdef"

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
	srv := httptest.NewServer(a.HTTPHandler(assets, testToken))
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
	srv := httptest.NewServer(a.HTTPHandler(fstest.MapFS{}, testToken))
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
			Name string         `json:"name"`
			Data RecordsChanged `json:"data"`
		}
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			t.Fatal(err)
		}
		if m.Name == EventRecordsChanged && m.Data.Kind == ticket.Kind && m.Data.IDs[0] == tk.ID {
			return
		}
	}
}

func TestBoundMethodsHideInternalErrors(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	if _, err := a.Tickets.Create(ticket.NewTicket{Title: "x"}); err != nil {
		t.Fatal(err)
	}
	// Storage fails from here on. Closing the store under the app stands in for a failing
	// disk, so first let the start-up work that reads the store on its own goroutines finish
	// (the queue's background load, the search index build): Badger panics rather than
	// errs when a read is in flight as it closes. Nothing else reads on its own: the index
	// and the queue then only follow commits, and a closed store commits nothing.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.queue.Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.index.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	a.st.Close()
	_, err := a.Tickets.Create(ticket.NewTicket{Title: "after close"})
	if err == nil || err != ErrInternal {
		t.Fatalf("error after storage failure = %v, want ErrInternal", err)
	}
	if r, _ := a.Tickets.Queue(queue.Filter{}); r.Total != 1 {
		t.Fatalf("queue = %+v", r)
	}
}
