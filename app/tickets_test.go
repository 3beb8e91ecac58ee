package app

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"outpost/backend/core/field"
	"outpost/backend/queue"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
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
	srv := httptest.NewServer(a.HTTPHandler(fstest.MapFS{"index.html": {Data: []byte("x")}}, testToken))
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
	mine := a.queue.Query(queue.Filter{Assignee: ana.ID})
	if mine.Total != 2 {
		t.Fatalf("Ana's queue holds %d tickets, want the 2 assigned at once", mine.Total)
	}
}

func TestRefsNamesExistingTicketsInOrder(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	var made []ticket.Ticket
	for _, title := range []string{"Printer jams", "VPN drops", "Old laptop"} {
		tk, err := a.Tickets.Create(ticket.NewTicket{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tk)
	}
	if err := a.tickets.Delete(a.ctx, "lead", made[2].ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		ids       []string
		want      []string // numbers
		wantField string
	}{
		{"in the order asked", []string{made[1].ID, made[0].ID}, []string{made[1].Number, made[0].Number}, ""},
		{"unknown, deleted and repeated left out", []string{"nope", made[2].ID, made[0].ID, made[0].ID}, []string{made[0].Number}, ""},
		{"none", nil, nil, ""},
		{"too many", make([]string, maxRefs+1), nil, "ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := a.Tickets.Refs(tt.ids)
			if tt.wantField != "" {
				if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
					t.Fatalf("err = %v, want a %s field error", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range refs {
				got = append(got, r.Number)
				if r.Title == "" || r.Status == "" {
					t.Errorf("ref %+v lacks title or status", r)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("numbers = %v, want %v", got, tt.want)
			}
		})
	}
}
