package app

import (
	"strings"
	"testing"
	"time"

	"outpost/app/apptest"
	"outpost/backend/assign"
	"outpost/backend/core/field"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

// Monday 2026-11-23, 10:00 UTC.
var fieldNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestTechniciansSuggestAndAutoAssign(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	a.Technicians.now = func() time.Time { return fieldNow }
	mk := func(name string, skills map[string]int) technician.Technician {
		tc, err := a.Technicians.Create(technician.Profile{Name: name, Skills: skills, OnSite: true,
			Hours: schedule.WeekdayHours("UTC", "09:00", "17:00")})
		if err != nil {
			t.Fatal(err)
		}
		return tc
	}
	ana := mk("Ana", map[string]int{"networking": 4})
	ben := mk("Ben", map[string]int{"networking": 2})
	mk("Cai", map[string]int{"printers": 5})
	ticketFor := func(cat string) ticket.Ticket {
		tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Switch down", Category: cat})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}

	t1 := ticketFor("network")
	sg, err := a.Technicians.Suggest(t1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sg.Candidates[0].TechnicianID != ana.ID || sg.Candidates[0].Reason != "Has networking skill (level 4), no open tickets, on shift until 17:00" {
		t.Fatalf("first suggestion = %+v", sg.Candidates[0])
	}
	if c := sg.Candidates[2]; c.Qualified || c.Reason != "Not suggested: no networking skill" {
		t.Fatalf("third suggestion = %+v", c)
	}

	// Round-robin alternates between the two qualified technicians.
	first, second := ana.ID, ben.ID
	if second < first {
		first, second = second, first
	}
	var got []string
	for range 3 {
		res, err := a.Technicians.AutoAssign(ticketFor("network").ID, assign.RoundRobin)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ticket.Assignee != res.Chosen.TechnicianID || res.Ticket.Status != ticket.StatusAssigned {
			t.Fatalf("auto-assigned ticket = %+v", res.Ticket.Summary)
		}
		got = append(got, res.Chosen.TechnicianID)
	}
	if want := []string{first, second, first}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("round-robin order = %v, want %v", got, want)
	}
	// Least-loaded now picks the one holding one ticket, not two.
	res, err := a.Technicians.AutoAssign(t1.ID, assign.LeastLoaded)
	if err != nil || res.Chosen.TechnicianID != second {
		t.Fatalf("least-loaded = %+v, %v", res.Chosen, err)
	}
	if tc, _ := a.Technicians.Get(second); tc.OpenLoad != 2 {
		t.Fatalf("open load = %d", tc.OpenLoad)
	}
	if _, err := a.Technicians.AutoAssign(t1.ID, "coin-toss"); !apptest.IsField(err, "mode") {
		t.Fatalf("unknown mode: %v", err)
	}
	if _, err := a.Technicians.AutoAssign(ticketFor("printer").ID, assign.RoundRobin); err != nil {
		t.Fatalf("printer ticket: %v", err) // Cai has printers
	}
	if _, err := a.Technicians.SaveCategories(assign.Settings{MaxOpen: 8, Categories: map[string][]string{"printer": {"plotters"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Technicians.AutoAssign(ticketFor("printer").ID, assign.RoundRobin); err == nil || !strings.Contains(err.Error(), "nobody qualifies") {
		t.Fatalf("nobody with plotters: %v", err)
	}

	// A name typed as assignee is stored as the technician's ID; a name nobody has is refused
	// and the ticket keeps its assignee.
	t5 := ticketFor("network")
	if tk, _ := a.Tickets.Assign(t5.ID, "ana"); tk.Assignee != ana.ID {
		t.Fatalf("assign by name stored %q", tk.Assignee)
	}
	_, err = a.Tickets.Assign(t5.ID, "Contractor Bob")
	if fe, ok := field.As(err); !ok || fe.Field != "assignee" || !strings.Contains(fe.Problem, `no technician "Contractor Bob"`) {
		t.Fatalf("assign to a made-up name: %v", err)
	}
	if tk, _ := a.Tickets.Get(t5.ID); tk.Assignee != ana.ID {
		t.Fatalf("refused assignment changed the assignee to %q", tk.Assignee)
	}
}
