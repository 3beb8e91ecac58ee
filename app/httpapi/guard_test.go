package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"outpost/app"
	"outpost/backend/ticket"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHTTPRefusesForeignHosts(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken, "192.0.2.7:7480"))
	defer srv.Close()
	for _, tc := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:7480", 200},
		{"localhost:7480", 200},
		{"LOCALHOST", 200},
		{"[::1]:7480", 200},
		{"127.0.0.2", 200},
		{"192.0.2.7:7480", 200}, // the listening address
		{"evil.example", 403},
		{"evil.example:7480", 403},
		{"localhost.evil.example", 403},
		{"192.0.2.8", 403},
	} {
		t.Run(tc.host, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/api/TicketService/Queue", strings.NewReader(`[{}]`))
			req.Host = tc.host
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("Host %q: %d %s, want %d", tc.host, resp.StatusCode, body, tc.want)
			}
		})
	}
}

func TestHTTPTokenTravelsInAHeaderOrTheLinkCookie(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("<title>Outpost</title>")}}, testToken))
	defer srv.Close()
	noRedirect := *srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	do := func(method, path string, cookie *http.Cookie) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`[{}]`))
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if r := do("POST", "/api/TicketService/Queue?token="+testToken, nil); r.StatusCode != 401 {
		t.Fatalf("token in an API call's query string: %d, want 401", r.StatusCode)
	}
	if r := do("GET", "/api/events?token="+testToken, nil); r.StatusCode != 401 {
		t.Fatalf("token in the event stream's query string: %d, want 401", r.StatusCode)
	}
	if r := do("GET", "/?token=wrong", nil); r.StatusCode != 401 || len(r.Cookies()) != 0 {
		t.Fatalf("a link with a wrong token: %d, cookies %v", r.StatusCode, r.Cookies())
	}
	link := do("GET", "/?token="+testToken+"#/queue", nil)
	if link.StatusCode != http.StatusSeeOther || link.Header.Get("Location") != "/" {
		t.Fatalf("the printed link: %d to %q, want a redirect to / without the token", link.StatusCode, link.Header.Get("Location"))
	}
	var c *http.Cookie
	for _, k := range link.Cookies() {
		if k.Name == cookieName(strings.TrimPrefix(srv.URL, "http://")) {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Value != testToken || c.Path != "/" {
		t.Fatalf("cookie from the link = %+v, want HttpOnly, SameSite=Strict, path /", c)
	}
	if r := do("POST", "/api/TicketService/Queue", c); r.StatusCode != 200 {
		t.Fatalf("API call with the cookie: %d", r.StatusCode)
	}
	if r := do("POST", "/api/TicketService/Queue", &http.Cookie{Name: tokenCookie + "_1", Value: testToken}); r.StatusCode != 401 {
		t.Fatalf("API call with the cookie of an Outpost on another port: %d", r.StatusCode)
	}
	if r := do("POST", "/api/TicketService/Queue", &http.Cookie{Name: c.Name, Value: "forged"}); r.StatusCode != 401 {
		t.Fatalf("API call with a forged cookie: %d", r.StatusCode)
	}
}

func TestLoadTokenTrustsOnlyItsOwnFormat(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	tok, err := LoadToken(dir, log)
	if err != nil || !validToken(tok) {
		t.Fatalf("first token %q, %v", tok, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "serve-token")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v", fi.Mode().Perm())
	}
	if again, err := LoadToken(dir, log); err != nil || again != tok {
		t.Fatalf("second load %q, %v: want the same token", again, err)
	}
	for _, tc := range []struct{ name, content string }{
		{"ticket CSV", "Number,Title,Description\r\n1,'=yyqq,\"x'\ntouch /tmp/pwned #\"\r\n"},
		{"long enough but not hex", strings.Repeat("z", 48)},
		{"upper-case hex", strings.ToUpper(tok)},
		{"too short", tok[:40]},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := t.TempDir()
			os.WriteFile(filepath.Join(d, "serve-token"), []byte(tc.content), 0o600)
			got, err := LoadToken(d, log)
			if err != nil || !validToken(got) || got == strings.TrimSpace(tc.content) {
				t.Fatalf("LoadToken over %q = %q, %v: want a new token", tc.content, got, err)
			}
		})
	}
}

// TestHTTPNeverWritesWhereTheCallerSays is the reported attack: a ticket whose CSV is valid
// shell, exported over HTTP onto ~/.bashrc, onto the API token and into the data directory.
func TestHTTPNeverWritesWhereTheCallerSays(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	bashrc := filepath.Join(home, ".bashrc")
	const original = "# my shell\nalias ll='ls -l'\n"
	os.WriteFile(bashrc, []byte(original), 0o644)
	a := openApp(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	token, err := LoadToken(a.DataDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Create(ticket.NewTicket{Title: "=yyqq", Description: "x'\ntouch /tmp/pwned #"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, token))
	defer srv.Close()
	tokenFile := filepath.Join(a.DataDir(), "serve-token")
	elsewhere := filepath.Join(t.TempDir(), "anything")
	for _, tc := range []struct{ path, body string }{
		{"/api/DataService/ExportTicketsFile", `["~/.bashrc",{"text":"yyqq","includeClosed":true}]`},
		{"/api/DataService/ExportTicketsFile", `["` + bashrc + `",{"includeClosed":true}]`},
		{"/api/DataService/ExportTicketsFile", `["~/../../../tmp/x.csv",{"includeClosed":true}]`},
		{"/api/DataService/ExportTicketsFile", `["` + tokenFile + `",{"includeClosed":true}]`},
		{"/api/DataService/ExportTicketsFile", `[{"includeClosed":true}]`},
		{"/api/DataService/Backup", `["` + elsewhere + `"]`},
		{"/api/DataService/Backup", `[]`},
		{"/api/DataService/Restore", `["` + bashrc + `"]`},
		{"/api/DataService/Restore", `[]`},
	} {
		code, _, body := call(t, srv, token, tc.path, tc.body)
		if code != http.StatusForbidden || !strings.Contains(body, "only in the desktop window") {
			t.Errorf("%s %s: %d %s, want 403 pointing to the download", tc.path, tc.body, code, body)
		}
	}
	if b, _ := os.ReadFile(bashrc); string(b) != original {
		t.Fatalf("~/.bashrc now holds %q", b)
	}
	if b, _ := os.ReadFile(tokenFile); strings.TrimSpace(string(b)) != token {
		t.Fatalf("the token file now holds %q", b)
	}
	if _, err := os.Stat(elsewhere); !os.IsNotExist(err) {
		t.Fatalf("a backup was written at the caller's path: %v", err)
	}
	// The download form still gives the CSV to the browser, with the formula kept as text.
	req, _ := http.NewRequest("GET", srv.URL+"/api/data/export?closed=1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	csvText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="outpost-tickets-`) ||
		!strings.Contains(string(csvText), "'=yyqq") {
		t.Fatalf("export download: %d %v %q", resp.StatusCode, resp.Header, csvText)
	}
}

// asked is a person at the window who cancels every dialog, noting which methods asked.
type asked struct{ by *[]string }

func (p asked) SaveFile(app.FilePrompt) (string, error) {
	*p.by = append(*p.by, "save")
	return "", nil
}
func (p asked) OpenFile(app.FilePrompt) (string, error) {
	*p.by = append(*p.by, "open")
	return "", nil
}

// TestFileMethodsAreExactlyTheWindowOnlyOnes calls every bound method in a window whose
// dialogs are cancelled: the methods that asked for a file are the ones the HTTP API refuses.
// Every other method is then called over HTTP with every string argument a path in a watched
// folder: none may read or write there (see watchOpens).
func TestFileMethodsAreExactlyTheWindowOnlyOnes(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DeviceName: "desk-1",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Sync: app.SyncConfig{Off: true, NoDiscovery: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var asks []string
	a.SetFilePicker(asked{&asks})
	var usesFiles []string
	for _, name := range a.Methods() {
		svc, method, _ := strings.Cut(name, ".")
		m := reflect.ValueOf(a.Bound()[svc]).MethodByName(method)
		before := len(asks)
		args := make([]reflect.Value, m.Type().NumIn())
		for i := range args {
			args[i] = reflect.Zero(m.Type().In(i))
		}
		m.Call(args)
		if len(asks) > before {
			usesFiles = append(usesFiles, name)
		}
	}
	listed := app.WindowOnlyMethods()
	if !slices.Equal(usesFiles, listed) {
		t.Fatalf("methods that ask for a file: %v; refused over HTTP: %v", usesFiles, listed)
	}

	a.SetFilePicker(nil)
	watched := t.TempDir()
	existing := filepath.Join(watched, "existing.outpost")
	os.WriteFile(existing, []byte("OUTPOST-BACKUP\nnot really\n"), 0o600)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer srv.Close()
	opened := watchOpens(t, watched)
	if os.ReadFile(existing); runtime.GOOS == "linux" && len(opened()) == 0 {
		t.Fatal("the watch saw no open of a file read on purpose")
	}
	for _, name := range a.Methods() {
		svc, method, _ := strings.Cut(name, ".")
		m := reflect.ValueOf(a.Bound()[svc]).MethodByName(method)
		body := argumentsNaming(m.Type(), existing, filepath.Join(watched, "new-"+method))
		code, _, raw := call(t, srv, testToken, "/api/"+svc+"/"+method, body)
		if app.WindowOnly(svc, method) && code != http.StatusForbidden {
			t.Errorf("%s over HTTP: %d %s, want 403", name, code, raw)
		}
		if got := opened(); len(got) > 0 {
			t.Errorf("%s(%s) over HTTP touched %v", name, body, got)
		}
	}
	left, _ := os.ReadDir(watched)
	if len(left) != 1 {
		t.Fatalf("the watched folder holds %d files, want only the one put there", len(left))
	}
}

// argumentsNaming is a JSON argument list for a method of type mt: every string is one of
// the paths, anything else its zero value.
func argumentsNaming(mt reflect.Type, existing, missing string) string {
	args := make([]any, mt.NumIn())
	for i := range args {
		switch {
		case mt.In(i).Kind() == reflect.String && i%2 == 0:
			args[i] = existing
		case mt.In(i).Kind() == reflect.String:
			args[i] = missing
		default:
			args[i] = reflect.Zero(mt.In(i)).Interface()
		}
	}
	b, _ := json.Marshal(args)
	return string(b)
}
