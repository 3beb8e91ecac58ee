package httpapi

import (
	"net/http/httptest"
	"outpost/backend/queue"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAssignManyByNameOverHTTP(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	ana, err := a.Technicians.Create(technician.Profile{Name: "Ana", Hours: schedule.WeekdayHours("UTC", "09:00", "17:00")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, title := range []string{"Printer jams", "VPN drops", "Laptop fan loud"} {
		tk, err := a.Tickets.Create(ticket.NewTicket{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	srv := httptest.NewServer(Handler(a, fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken))
	defer srv.Close()

	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantInBody string
	}{
		{"no tickets", `[[],"Ana"]`, 400, `"field":"ids"`},
		{"missing ticket", `[["` + ids[0] + `","nope"],"Ana"]`, 400, "ticket not found"},
		{"by name", `[["` + ids[0] + `","` + ids[1] + `"],"ana"]`, 200, `"assignee":"` + ana.ID + `"`},
		{"phantom name", `[["` + ids[2] + `"],"Pedro"]`, 400, `no technician \"Pedro\"`},
		{"phantom ID", `[["` + ids[2] + `"],"56x66qqq"]`, 400, `"field":"assignee"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, srv, testToken, "/api/TicketService/AssignMany", tt.body)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantInBody) {
				t.Fatalf("AssignMany %s -> %d %s; want %d containing %q", tt.body, status, body, tt.wantStatus, tt.wantInBody)
			}
		})
	}
	mine, _ := a.Tickets.Queue(queue.Filter{Assignee: ana.ID})
	if mine.Total != 2 {
		t.Fatalf("Ana's queue holds %d tickets, want the 2 assigned at once", mine.Total)
	}
}
