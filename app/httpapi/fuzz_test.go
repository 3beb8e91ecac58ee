package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzAPIRequest sends arbitrary bodies to methods that take structured input: whatever
// arrives, the answer is a result or an error in words (400), never a fault (500) or a
// panic, and an error body is the documented {error, field} JSON.
func FuzzAPIRequest(f *testing.F) {
	a := openApp(f)
	h := Handler(a, fstest.MapFS{}, testToken)
	methods := []string{"TicketService/Create", "TicketService/Queue", "TicketService/Update", "TechnicianService/Create",
		"VisitService/Create", "SLAService/Save", "KBService/Create", "ViewService/Save"}
	for i, body := range []string{
		`[{"title":"VPN drops every hour","category":"network","impact":"high","urgency":"medium","tags":["vpn"]}]`,
		`[{"sort":"sla","limit":50,"offset":0,"statuses":["new"]}]`,
		`["x",{"title":"t"}]`,
		`[{"name":"Ana","hours":{"zone":"Europe/Berlin","shifts":[{"day":1,"start":"09:00","end":"17:00"}]}}]`,
		`[{"ticketId":"x","start":"2026-11-24T09:00","end":"2026-11-24T11:00"}]`,
		`[{"policy":{"targets":[],"warnAt":[75,90]},"calendar":{"zone":"UTC"}}]`,
		`[{"title":"Reset a VPN token","body":"# Steps\n1. x"}]`,
		`["My view",{"priorities":[1]}]`,
	} {
		f.Add(uint8(i), body)
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := "/api/" + methods[int(which)%len(methods)]
		req := httptest.NewRequest("POST", "http://127.0.0.1:7480"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			return
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%s %q: status %d %s", path, body, rec.Code, rec.Body)
		}
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
			t.Fatalf("%s %q: error body %q is not {error, field}", path, body, rec.Body)
		}
	})
}
