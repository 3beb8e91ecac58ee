package httpapi

import (
	"context"
	"net/http/httptest"
	"outpost/app"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
	"outpost/backend/visit"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestVisitsOverHTTP(t *testing.T) {
	t.Parallel()
	a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DeviceName: "desk-1", Logger: quiet(),
		Now: func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer srv.Close()
	ana, err := a.Technicians.Create(technician.Profile{Name: "Ana", OnSite: true, Hours: schedule.WeekdayHours("Europe/Berlin", "09:00", "17:00")})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Switch down", Requester: ticket.Requester{Site: "Main office"}})
	if err != nil {
		t.Fatal(err)
	}
	body := `[{"ticketId":"` + tk.ID + `","technician":"` + ana.ID + `","start":"2026-11-24T09:00","end":"2026-11-24T10:00","checklist":["Replace switch"]}]`
	status, m, raw := call(t, srv, testToken, "/api/VisitService/Create", body)
	if status != 200 || m["site"] != "Main office" || m["start"] != "2026-11-24T08:00:00Z" {
		t.Fatalf("create visit -> %d %s", status, raw)
	}
	id := m["id"].(string)
	item := m["checklist"].([]any)[0].(map[string]any)["id"].(string)
	steps := []struct {
		name, path, body string
		wantStatus       int
		wantInBody       string
	}{
		{"bad window", "/api/VisitService/Create", strings.Replace(body, "10:00", "08:00", 1), 400, `"field":"end"`},
		{"tick", "/api/VisitService/CheckItem", `["` + id + `","` + item + `",true]`, 200, `"done":true`},
		{"double booking is flagged", "/api/VisitService/Create", strings.Replace(body, "09:00", "09:30", 1), 200, `"kind":"double-booked"`},
		{"outcome", "/api/VisitService/Outcome", `["` + id + `","Switch replaced",true]`, 200, `"status":"done"`},
		{"day", "/api/VisitService/Day", `["` + ana.ID + `","2026-11-24"]`, 200, `"zone":"Europe/Berlin"`},
		{"week", "/api/VisitService/Week", `["2026-11-23"]`, 200, `"name":"Ana"`},
		{"ics", "/api/VisitService/ICS", `["` + ana.ID + `"]`, 200, `DTSTART;TZID=Europe/Berlin:20261124T090000`},
		{"missing visit", "/api/VisitService/Get", `["nope"]`, 400, "visit not found"},
		{"suggest", "/api/TechnicianService/Suggest", `["` + tk.ID + `"]`, 200, `"visit":{"start":"2026-11-24T08:30:00Z"`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			status, _, raw := call(t, srv, testToken, s.path, s.body)
			if status != s.wantStatus || !strings.Contains(raw, s.wantInBody) {
				t.Fatalf("%s -> %d %s; want %d containing %q", s.path, status, raw, s.wantStatus, s.wantInBody)
			}
		})
	}
	if v, err := a.Visits.Get(id); err != nil || v.Status != visit.StatusDone {
		t.Fatalf("visit after outcome = %+v, %v", v, err)
	}
}
