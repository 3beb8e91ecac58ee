package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

func TestSLASettingsAreValidatedAndStored(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	got, err := a.SLA.Settings()
	if err != nil || got.Calendar.Zone != "UTC" || got.Policy.Targets[0].Response != (sla.Span{Amount: 15, Unit: sla.Minutes}) {
		t.Fatalf("default settings = %+v, %v", got, err)
	}
	bad := sla.DefaultSettings()
	bad.Calendar.Zone = "Atlantis/Capital"
	_, err = a.SLA.Save(bad)
	if fe, ok := field.As(err); !ok || fe.Field != "calendar.zone" {
		t.Fatalf("Save(bad zone) = %v, want a calendar.zone field error", err)
	}
	if got, _ := a.SLA.Settings(); got.Calendar.Zone != "UTC" {
		t.Fatalf("a refused save wrote %q", got.Calendar.Zone)
	}
	good := sla.DefaultSettings()
	good.Calendar.Zone = "Europe/Berlin"
	good.Calendar.Holidays = []string{"2025-12-25"}
	good.Policy.Targets[1].Resolution = sla.Span{Amount: 6, Unit: sla.Hours}
	if _, err := a.SLA.Save(good); err != nil {
		t.Fatal(err)
	}
	got, err = a.SLA.Settings()
	if err != nil || got.Calendar.Zone != "Europe/Berlin" || got.Calendar.Holidays[0] != "2025-12-25" || got.Policy.Targets[1].Resolution.Amount != 6 {
		t.Fatalf("saved settings = %+v, %v", got, err)
	}
	// The engine follows the saved settings: a new P2 ticket's resolution target is now 6 h.
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Mail down", Impact: ticket.High, Urgency: ticket.Medium})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.SLA.Ticket(tk.ID)
	if err != nil || res.Resolution.Target != 6*time.Hour || !res.Open {
		t.Fatalf("ticket SLA = %+v, %v", res, err)
	}
}

func TestSLACheckAnnouncesEachCrossingOnce(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	settings := sla.DefaultSettings()
	settings.Calendar.AllHours = true
	if _, err := a.SLA.Save(settings); err != nil {
		t.Fatal(err)
	}
	var notes []string
	a.SetNotifier(func(title, msg string) error {
		notes = append(notes, title+" | "+msg)
		return errors.New("no notification daemon") // a failing notifier is logged, never fatal
	})
	events, stop := a.Listen(64)
	defer stop()
	p1, err := a.Tickets.Create(ticket.NewTicket{Title: "Core switch down", Impact: ticket.High, Urgency: ticket.High})
	if err != nil {
		t.Fatal(err)
	}
	p3, err := a.Tickets.Create(ticket.NewTicket{Title: "New starter laptop", Impact: ticket.Medium, Urgency: ticket.Medium})
	if err != nil {
		t.Fatal(err)
	}
	drain := func() []Message {
		var out []Message
		for {
			select {
			case m := <-events:
				if strings.HasPrefix(m.Name, "sla:") {
					out = append(out, m)
				}
			default:
				return out
			}
		}
	}
	drain()
	// 13 minutes in (24x7): P1's 15 min response is at 87% (first warning); P3 (4 h response) is fine.
	a.checkSLA(p1.Created.Add(13 * time.Minute))
	got := drain()
	if len(got) != 1 || got[0].Name != EventSLAWarning || got[0].Data.(SLAAlert).TicketID != p1.ID || got[0].Data.(SLAAlert).State != sla.Warning75 {
		t.Fatalf("events at 13 min = %+v", got)
	}
	a.checkSLA(p1.Created.Add(13*time.Minute + 10*time.Second))
	if got := drain(); len(got) != 0 {
		t.Fatalf("the same crossing was announced again: %+v", got)
	}
	// 4 h 30 min in: P1 breached both targets; P3's 4 h response breached too.
	a.checkSLA(p1.Created.Add(4*time.Hour + 30*time.Minute))
	got = drain()
	breaches := map[string]int{}
	for _, m := range got {
		if m.Name != EventSLABreach {
			t.Fatalf("unexpected %s %+v", m.Name, m.Data)
		}
		breaches[m.Data.(SLAAlert).TicketID]++
	}
	if breaches[p1.ID] != 2 || breaches[p3.ID] != 1 {
		t.Fatalf("breach events = %v", breaches)
	}
	if len(notes) != 4 || !strings.Contains(notes[0], "SLA warning: "+p1.Number) {
		t.Fatalf("notifications = %q", notes)
	}
	// Resolving forgets the ticket's crossings.
	if _, err := a.Tickets.Resolve(p1.ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	a.checkSLA(p1.Created.Add(5 * time.Hour))
	a.slaRT.mu.Lock()
	for key := range a.slaRT.announced {
		if strings.HasPrefix(key, p1.ID) {
			t.Errorf("still remembered: %s", key)
		}
	}
	a.slaRT.mu.Unlock()
}

func TestSLAPreviewCountsOpenTicketsThatWouldChange(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	settings := sla.DefaultSettings()
	settings.Calendar.AllHours = true
	if _, err := a.SLA.Save(settings); err != nil {
		t.Fatal(err)
	}
	for _, n := range []ticket.NewTicket{
		{Title: "Core switch down", Impact: ticket.High, Urgency: ticket.High},       // P1
		{Title: "New starter laptop", Impact: ticket.Medium, Urgency: ticket.Medium}, // P3
		{Title: "Printer toner low", Impact: ticket.Medium, Urgency: ticket.Medium},  // P3, resolved below
		{Title: "Projector in room 2", Impact: ticket.Low, Urgency: ticket.Low},      // P5
	} {
		tk, err := a.Tickets.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if n.Title == "Printer toner low" {
			if _, err := a.Tickets.Resolve(tk.ID, "fixed", "Replaced the toner"); err != nil {
				t.Fatal(err)
			}
		}
	}
	same, err := a.SLA.Preview(settings)
	if err != nil || same != (sla.Shift{Open: 3}) {
		t.Fatalf("Preview(unchanged) = %+v, %v; want 3 open, none changing", same, err)
	}

	// Half an hour on, the P1 has missed its 15-minute response; with 2 hours it is within.
	// The P3 has used an eighth of its 4-hour response; with 40 minutes, three quarters.
	next := settings
	next.Policy.Targets[0].Response = sla.Span{Amount: 2, Unit: sla.Hours}
	next.Policy.Targets[2].Response = sla.Span{Amount: 40, Unit: sla.Minutes}
	before, err := sla.NewEngine(settings)
	if err != nil {
		t.Fatal(err)
	}
	after, err := sla.NewEngine(next)
	if err != nil {
		t.Fatal(err)
	}
	got := a.slaShift(before, after, time.Now().Add(30*time.Minute))
	if want := (sla.Shift{Open: 3, Changed: 2, AtRisk: 1, Within: 1}); got != want {
		t.Fatalf("shift = %+v, want %+v", got, want)
	}

	bad := settings
	bad.Policy.Targets[1].Response = sla.Span{Amount: 9, Unit: sla.Hours}
	if _, err := a.SLA.Preview(bad); err == nil {
		t.Fatal("Preview of a P2 response after its resolution passed")
	} else if fe, ok := field.As(err); !ok || fe.Field != "policy.P2.response" {
		t.Fatalf("Preview(bad) = %v, want a policy.P2.response field error", err)
	}
}
