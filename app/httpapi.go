package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"reflect"
	"strings"
	"time"

	"outpost/backend/field"
)

// MaxRequestBytes bounds one API request body.
const MaxRequestBytes = 4 << 20

// HTTPHandler serves the UI's static files from assets and the bound services under
// /api/{Service}/{Method} (POST, JSON array of arguments), plus /api/events (server-sent
// events) and the file downloads and uploads of /api/data. Every /api request must carry
// the token, as "Authorization: Bearer <token>" or in the cookie that opening the printed
// link sets. Requests for a host name other than localhost, a loopback address or one of
// hosts (the listening address) are refused, so a web page cannot reach the API through a
// name of its own that resolves to this machine (DNS rebinding).
func (a *App) HTTPHandler(assets fs.FS, token string, hosts ...string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /api/{service}/{method}", a.requireToken(token, http.HandlerFunc(a.serveCall)))
	mux.Handle("GET /api/events", a.requireToken(token, http.HandlerFunc(a.serveEvents)))
	mux.Handle("GET /api/data/export", a.requireToken(token, http.HandlerFunc(a.serveExport)))
	mux.Handle("GET /api/data/backup", a.requireToken(token, http.HandlerFunc(a.serveBackup)))
	mux.Handle("POST /api/data/restore", a.requireToken(token, http.HandlerFunc(a.serveRestore)))
	mux.Handle("/api/", a.requireToken(token, http.NotFoundHandler()))
	mux.Handle("/", linkLogin(token, http.FileServerFS(assets)))
	return securityHeaders(allowHosts(hosts, mux))
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'")
		next.ServeHTTP(w, r)
	})
}

func (a *App) serveCall(w http.ResponseWriter, r *http.Request) {
	svc, ok := a.Bound()[r.PathValue("service")]
	name := r.PathValue("method")
	if windowOnly[r.PathValue("service")+"."+name] {
		writeError(w, http.StatusForbidden, ErrWindowOnly)
		return
	}
	if !ok || name == "" || !isExported(name) {
		writeError(w, http.StatusNotFound, fmt.Errorf("no such method %s.%s", r.PathValue("service"), name))
		return
	}
	m := reflect.ValueOf(svc).MethodByName(name)
	if !m.IsValid() {
		writeError(w, http.StatusNotFound, fmt.Errorf("no such method %s.%s", r.PathValue("service"), name))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("request larger than %d bytes", MaxRequestBytes))
		return
	}
	var raw []json.RawMessage
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &raw); err != nil {
			writeError(w, http.StatusBadRequest, errors.New("the request body must be a JSON array of arguments"))
			return
		}
	}
	mt := m.Type()
	if len(raw) != mt.NumIn() {
		writeError(w, http.StatusBadRequest, fmt.Errorf("%s takes %d arguments, got %d", name, mt.NumIn(), len(raw)))
		return
	}
	args := make([]reflect.Value, len(raw))
	for i := range raw {
		p := reflect.New(mt.In(i))
		if err := json.Unmarshal(raw[i], p.Interface()); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Errorf("argument %d of %s: %s", i+1, name, jsonProblem(err)))
			return
		}
		args[i] = p.Elem()
	}
	out := m.Call(args)
	var result any
	if len(out) > 0 {
		if e, ok := out[len(out)-1].Interface().(error); ok && e != nil {
			status := http.StatusBadRequest
			if errors.Is(e, ErrInternal) {
				status = http.StatusInternalServerError
			}
			writeError(w, status, e)
			return
		}
		if len(out) == 2 {
			result = out[0].Interface()
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(result)
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q should be %s, not %s", te.Field, te.Type, te.Value)
	}
	return "malformed JSON"
}

func isExported(name string) bool { return name[0] >= 'A' && name[0] <= 'Z' }

func writeError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorBody(err))
}

// ErrorBody is how the UI receives an error, over HTTP and in the window alike:
// {"error": message, "field": name} (field only for invalid input).
func ErrorBody(err error) any {
	body := map[string]any{"error": err.Error()}
	if fe, ok := field.As(err); ok {
		body["field"] = fe.Field
	}
	return body
}

func (a *App) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, errors.New("streaming unsupported"))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	events, stop := a.events.Listen(256)
	defer stop()
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			flusher.Flush()
		case m, ok := <-events:
			if !ok {
				return
			}
			b, err := json.Marshal(m)
			if err != nil {
				continue
			}
			fmt.Fprintf(w, "data: %s\n\n", b)
			flusher.Flush()
		}
	}
}
