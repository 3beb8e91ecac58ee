package httpapi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"outpost/app/atomicfile"
	"path/filepath"
	"strings"
)

// tokenCookie carries the API token in a browser once the printed link has been opened:
// HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends it). Cookies
// do not tell ports apart, so the name carries the port: two Outposts served on one machine
// keep a cookie each.
const tokenCookie = "outpost_token"

// cookieName is the token cookie's name for a request to host (host:port).
func cookieName(host string) string {
	if _, port, err := net.SplitHostPort(host); err == nil && port != "" {
		return tokenCookie + "_" + port
	}
	return tokenCookie
}

// tokenBytes is the token's length before hex encoding: 48 hex characters.
const tokenBytes = 24

// ErrBadToken is a serve-token file that Outpost did not write.
var ErrBadToken = errors.New("the serve-token file does not hold a token Outpost made (48 hex characters)")

var (
	errUnauthorised = errors.New("not authorised: open the link printed by outpost serve")
	errForeignHost  = errors.New("this request names another host: open Outpost at the address outpost serve printed (localhost or 127.0.0.1)")
)

// allowHosts refuses (403) requests whose Host is not localhost, a loopback address or one
// of hosts, whatever their port.
func allowHosts(hosts []string, next http.Handler) http.Handler {
	ok := map[string]bool{"localhost": true}
	for _, h := range hosts {
		if hh, _, err := net.SplitHostPort(h); err == nil {
			h = hh
		}
		if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil && ip.IsUnspecified() {
			continue // 0.0.0.0 is where it listens, never a name a browser asks for
		}
		ok[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.ToLower(strings.Trim(host, "[]"))
		if ip := net.ParseIP(host); !ok[host] && (ip == nil || !ip.IsLoopback()) {
			writeError(w, http.StatusForbidden, errForeignHost)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireToken lets a request through only with the token, in the Authorization header or
// in the cookie. A query string never carries it: it would end up in history and logs.
func requireToken(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !carriesToken(r, token) {
			writeError(w, http.StatusUnauthorized, errUnauthorised)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func carriesToken(r *http.Request, token string) bool {
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && sameToken(b, token) {
		return true
	}
	c, err := r.Cookie(cookieName(r.Host))
	return err == nil && sameToken(c.Value, token)
}

func sameToken(got, token string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// linkLogin turns the printed link (the UI's address with ?token=) into the cookie: with the
// right token it sets the cookie and redirects to the same page without the token, so it is
// neither bookmarked nor kept in the address bar; with a wrong one it says so.
func linkLogin(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !q.Has("token") {
			next.ServeHTTP(w, r)
			return
		}
		if !sameToken(q.Get("token"), token) {
			http.Error(w, "This link's token is not this Outpost's: open the link that outpost serve printed last.", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: cookieName(r.Host), Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		q.Del("token")
		u := *r.URL
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
	})
}

// LoadToken returns the API token stored in dataDir, creating a random one on first use. A
// file that does not hold a token in Outpost's format (48 lowercase hex characters) is not
// trusted: it is replaced by a new token and the replacement logged.
func LoadToken(dataDir string, log *slog.Logger) (string, error) {
	path := filepath.Join(dataDir, "serve-token")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if tok := strings.TrimSuffix(string(b), "\n"); validToken(tok) {
			return tok, nil
		}
		log.Warn("a new API token replaces the old one: the printed link changes", "file", path, "reason", ErrBadToken)
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("read token: %w", err)
	}
	buf := make([]byte, tokenBytes)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("make token: %w", err)
	}
	tok := hex.EncodeToString(buf)
	if err := atomicfile.Write(path, []byte(tok+"\n")); err != nil {
		return "", fmt.Errorf("store token: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return "", fmt.Errorf("store token: %w", err)
	}
	return tok, nil
}

// validToken reports whether s has the form of a token Outpost makes.
func validToken(s string) bool {
	if len(s) != 2*tokenBytes {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
