// Package httpapi serves a running Outpost to a browser: the UI's files, the bound services'
// methods as POST /api/{Service}/{Method}, server-sent events, and the byte routes of data
// files and attachments, behind the serve token and a host check.
package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"outpost/app"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
)

// server answers the HTTP API's requests on one running app.
type server struct{ a *app.App }

// MaxRequestBytes bounds one API request body.
const MaxRequestBytes = 4 << 20

// Handler serves the UI's static files from assets and the bound services under
// /api/{Service}/{Method} (POST, JSON array of arguments), plus /api/events (server-sent
// events) and the file downloads and uploads of /api/data. Every /api request must carry
// the token, as "Authorization: Bearer <token>" or in the cookie that opening the printed
// link sets. Requests for a host name other than localhost, a loopback address or one of
// hosts (the listening address) are refused, so a web page cannot reach the API through a
// name of its own that resolves to this machine (DNS rebinding).
func Handler(a *app.App, assets fs.FS, token string, hosts ...string) http.Handler {
	s := &server{a: a}
	mux := http.NewServeMux()
	mux.Handle("POST /api/{service}/{method}", requireToken(token, http.HandlerFunc(s.serveCall)))
	mux.Handle("GET /api/events", requireToken(token, http.HandlerFunc(s.serveEvents)))
	mux.Handle("GET /api/data/export", requireToken(token, http.HandlerFunc(s.serveExport)))
	mux.Handle("GET /api/data/backup", requireToken(token, http.HandlerFunc(s.serveBackup)))
	mux.Handle("POST /api/data/restore", requireToken(token, http.HandlerFunc(s.serveRestore)))
	s.attachmentRoutes(mux, func(h http.Handler) http.Handler { return requireToken(token, h) })
	mux.Handle("/api/", requireToken(token, http.NotFoundHandler()))
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

var errorType = reflect.TypeFor[error]()

func (s *server) serveCall(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.a.Bound()[r.PathValue("service")]
	name := r.PathValue("method")
	if app.WindowOnly(r.PathValue("service"), name) {
		writeError(w, http.StatusForbidden, app.ErrWindowOnly)
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
		if err := decodeStrict(raw[i], p.Interface()); err != nil {
			writeError(w, http.StatusBadRequest, argumentError(i, name, err))
			return
		}
		args[i] = p.Elem()
	}
	out := m.Call(args)
	var result any
	if n := len(out); n > 0 {
		// A method returns (T, error), (T) or (error), as Wails takes them.
		if mt.Out(n-1) == errorType {
			if e, _ := out[n-1].Interface().(error); e != nil {
				writeError(w, errorStatus(e), e)
				return
			}
			out = out[:n-1]
		}
		if len(out) == 1 {
			result = out[0].Interface()
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(result)
}

// decodeStrict decodes one argument, refusing fields the method's type does not have: a
// misspelt field would otherwise be ignored without a word.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// argumentError says in words what is wrong with argument i of method, naming the field
// where it can (and only by a name that is plain text).
func argumentError(i int, method string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("argument %d of %s: field %q should be %s, not %s", i+1, method, te.Field, te.Type, te.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, err := strconv.Unquote(name); err == nil && plainName(name) {
			return field.Errorf(name, "is not a field that %s takes (argument %d)", method, i+1)
		}
		return fmt.Errorf("argument %d of %s holds a field it does not take", i+1, method)
	}
	return fmt.Errorf("argument %d of %s: malformed JSON", i+1, method)
}

// plainName reports whether s is a short name of letters, digits, '.', '_' and '-'.
func plainName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func isExported(name string) bool { return name[0] >= 'A' && name[0] <= 'Z' }

// errorStatus is the HTTP status of a method's error: 500 for a fault on the device,
// 507 when its disk is full, else 400.
func errorStatus(err error) int {
	if errors.Is(err, app.ErrInternal) {
		return http.StatusInternalServerError
	}
	if errors.Is(err, store.ErrDiskFull) {
		return http.StatusInsufficientStorage
	}
	return http.StatusBadRequest
}

func writeError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(app.ErrorBody(err))
}

func (s *server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, errors.New("streaming unsupported"))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	events, stop := s.a.Listen(256)
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
