package visit

import (
	"context"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

type fixture struct {
	st      *store.Store
	visits  *Service
	techs   *technician.Service
	tickets *ticket.Service
	ana     technician.Technician // Berlin, weekdays 09-17, off on 2026-11-27
	tk      ticket.Ticket
}

func setup(t *testing.T) fixture { return setupB(t) }

func setupB(t testing.TB) fixture {
	t.Helper()
	return newFixture(t, storetest.Open(t), nil)
}

func newFixture(t testing.TB, st *store.Store, from *fixture) fixture {
	t.Helper()
	f := fixture{st: st, techs: technician.NewService(st, nil), tickets: ticket.NewService(st, nil)}
	f.visits = NewService(st, f.techs, f.tickets)
	if from != nil {
		f.ana, f.tk = from.ana, from.tk
		return f
	}
	ctx := context.Background()
	var err error
	f.ana, err = f.techs.Create(ctx, "lead", technician.Profile{Name: "Ana", OnSite: true,
		Hours:   schedule.WeekdayHours("Europe/Berlin", "09:00", "17:00"),
		TimeOff: []schedule.TimeOff{{From: "2026-11-27", To: "2026-11-27", Note: "dentist"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.tk, err = f.tickets.Create(ctx, "lead", ticket.NewTicket{Title: "Switch in room 4 is dead",
		Requester: ticket.Requester{Name: "Mia", Site: "Lindenstrasse office"}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f fixture) create(t *testing.T, start, end string, items ...string) Visit {
	t.Helper()
	v, err := f.visits.Create(context.Background(), "lead", NewVisit{TicketID: f.tk.ID, Technician: f.ana.ID,
		Address: "Lindenstrasse 5, 10969 Berlin", Start: start, End: end, Checklist: items})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCreateFromTicket(t *testing.T) {
	t.Parallel()
	f := setup(t)
	v := f.create(t, "2026-11-24T09:00", "2026-11-24T11:00", "Replace switch", " ", "Test uplink")
	if v.Site != "Lindenstrasse office" || v.TicketNumber != f.tk.Number || v.TechName != "Ana" || v.Status != StatusScheduled {
		t.Fatalf("visit = %+v", v)
	}
	if !v.Start.Equal(utc("2026-11-24T08:00:00Z")) || !v.End.Equal(utc("2026-11-24T10:00:00Z")) {
		t.Fatalf("wall-clock times were not read in Berlin time: %v-%v", v.Start, v.End)
	}
	if len(v.Checklist) != 2 || v.Checklist[1].Text != "Test uplink" || len(v.Flags) != 0 {
		t.Fatalf("checklist %v flags %v", v.Checklist, v.Flags)
	}
	list, err := f.visits.ForTicket(f.tk.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("ForTicket = %v, %v", list, err)
	}
}

func TestBadVisitsWriteNothing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	before, _ := f.st.StateHash()
	ok := NewVisit{TicketID: f.tk.ID, Technician: f.ana.ID, Start: "2026-11-24T09:00", End: "2026-11-24T10:00"}
	mod := func(fn func(*NewVisit)) NewVisit { v := ok; fn(&v); return v }
	many := make([]string, MaxItems+1)
	for i := range many {
		many[i] = "step"
	}
	tests := []struct {
		name      string
		in        NewVisit
		wantField string
	}{
		{"unknown ticket", mod(func(v *NewVisit) { v.TicketID = "nope" }), "ticketId"},
		{"no technician", mod(func(v *NewVisit) { v.Technician = "" }), "technician"},
		{"unknown technician", mod(func(v *NewVisit) { v.Technician = "ghost" }), "technician"},
		{"unreadable start", mod(func(v *NewVisit) { v.Start = "tomorrow 9" }), "start"},
		{"end before start", mod(func(v *NewVisit) { v.End = "2026-11-24T08:00" }), "end"},
		{"longer than a day", mod(func(v *NewVisit) { v.End = "2026-11-25T10:00" }), "end"},
		{"too many checklist items", mod(func(v *NewVisit) { v.Checklist = many }), "checklist"},
		{"site too long", mod(func(v *NewVisit) { v.Site = strings.Repeat("s", MaxSite+1) }), "site"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.visits.Create(context.Background(), "lead", tt.in)
			fe, ok := field.As(err)
			if !ok || fe.Field != tt.wantField {
				t.Fatalf("Create = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	if after, _ := f.st.StateHash(); after != before {
		t.Fatal("bad input changed the store")
	}
}

func TestStatusAndOutcome(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	v := f.create(t, "2026-11-24T09:00", "2026-11-24T10:00", "Check cabling")
	if _, err := f.visits.Outcome(ctx, "ana", v.ID, "", true); err == nil {
		t.Fatal("completed a visit without outcome notes")
	}
	done, err := f.visits.Outcome(ctx, "ana", v.ID, "Replaced the PSU; uplink tested", true)
	if err != nil || done.Status != StatusDone || done.Outcome != "Replaced the PSU; uplink tested" {
		t.Fatalf("Outcome = %+v, %v", done, err)
	}
	cancelled := StatusCancelled
	if _, err := f.visits.Update(ctx, "lead", v.ID, Patch{Status: &cancelled}); err == nil {
		t.Fatal("a done visit was cancelled")
	}
	moved, movedEnd := "2026-11-24T13:00", "2026-11-24T14:00"
	u, err := f.visits.Update(ctx, "lead", v.ID, Patch{Start: &moved, End: &movedEnd, AddItems: []string{"Label ports"}, RemoveItems: []string{v.Checklist[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if !u.Start.Equal(utc("2026-11-24T12:00:00Z")) || len(u.Checklist) != 1 || u.Checklist[0].Text != "Label ports" {
		t.Fatalf("updated %v %v", u.Start, u.Checklist)
	}
	if _, err := f.visits.Update(ctx, "lead", v.ID, Patch{RemoveItems: []string{"zz"}}); err == nil {
		t.Fatal("removed a checklist item that does not exist")
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	a := f.create(t, "2026-11-24T09:00", "2026-11-24T11:00")
	b := f.create(t, "2026-11-24T10:30", "2026-11-24T12:00")
	c := f.create(t, "2026-11-24T11:00", "2026-11-24T12:00") // touches a, overlaps b
	late := f.create(t, "2026-11-24T16:30", "2026-11-24T18:00")
	sat := f.create(t, "2026-11-28T10:00", "2026-11-28T11:00")
	off := f.create(t, "2026-11-27T10:00", "2026-11-27T11:00")
	cancel := StatusCancelled
	x := f.create(t, "2026-11-24T09:00", "2026-11-24T10:00")
	if _, err := f.visits.Update(ctx, "lead", x.ID, Patch{Status: &cancel}); err != nil {
		t.Fatal(err)
	}
	kinds := func(v Visit) string {
		var out []string
		for _, fl := range v.Flags {
			out = append(out, fl.Kind+":"+fl.Message)
		}
		return strings.Join(out, " | ")
	}
	tests := []struct {
		name string
		id   string
		want string
	}{
		{"overlaps b only", a.ID, "double-booked:double-booked with " + f.tk.Number + " at Lindenstrasse office (10:30-12:00)"},
		{"overlaps a and c", b.ID, "double-booked:double-booked with " + f.tk.Number + " at Lindenstrasse office (09:00-11:00) | double-booked:double-booked with " + f.tk.Number + " at Lindenstrasse office (11:00-12:00)"},
		{"runs past the end of the shift", late.ID, "outside-hours:outside working hours (works 09:00-17:00 that day)"},
		{"saturday", sat.ID, "outside-hours:outside working hours (not a working day)"},
		{"time off", off.ID, "time-off:during time off (dentist)"},
		{"cancelled visits are not flagged", x.ID, ""},
		{"c overlaps b", c.ID, "double-booked:double-booked with " + f.tk.Number + " at Lindenstrasse office (10:30-12:00)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := f.visits.Get(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(v); got != tt.want {
				t.Fatalf("flags = %q\nwant    %q", got, tt.want)
			}
		})
	}
}

func TestDayAndWeekViews(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	morning := f.create(t, "2026-11-24T09:00", "2026-11-24T10:00")
	lateNight := f.create(t, "2026-11-24T23:30", "2026-11-25T00:30") // 22:30Z: still the 24th in Berlin
	next := f.create(t, "2026-11-25T10:00", "2026-11-25T11:00")
	ben, err := f.techs.Create(ctx, "lead", technician.Profile{Name: "Ben", Hours: schedule.WeekdayHours("UTC", "08:00", "16:00")})
	if err != nil {
		t.Fatal(err)
	}
	day, err := f.visits.Day(f.ana.ID, "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	if len(day.Visits) != 2 || day.Visits[0].ID != morning.ID || day.Visits[1].ID != lateNight.ID || day.Zone != "Europe/Berlin" || len(day.Shifts) != 1 {
		t.Fatalf("day view = %+v", day)
	}
	day25, _ := f.visits.Day(f.ana.ID, "2026-11-25")
	if len(day25.Visits) != 2 || day25.Visits[1].ID != next.ID {
		t.Fatalf("the 25th shows %d visits", len(day25.Visits))
	}
	if _, err := f.visits.Day(f.ana.ID, "24.11.2026"); err == nil {
		t.Fatal("a bad date was accepted")
	}
	week, err := f.visits.Week("2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if len(week.Rows) != 1 || week.Rows[0].TechnicianID != f.ana.ID || len(week.Days) != 7 {
		t.Fatalf("week rows = %+v (remote Ben without visits is not a row)", week.Rows)
	}
	if got := len(week.Rows[0].Days[1]); got != 2 {
		t.Fatalf("Tuesday holds %d visits", got)
	}
	_ = ben
}

// Ticking on two devices while apart merges without losing a tick.
func TestConcurrentChecksMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	v := f.create(t, "2026-11-24T09:00", "2026-11-24T11:00", "Replace switch", "Test uplink", "Photograph rack")
	i1, i2, i3 := v.Checklist[0].ID, v.Checklist[1].ID, v.Checklist[2].ID
	if _, err := f.visits.CheckItem(ctx, "ana", v.ID, i3, true); err != nil {
		t.Fatal(err)
	}
	st2 := storetest.Open(t)
	g := newFixture(t, st2, &f)
	storetest.Sync(t, f.st, st2)

	// Laptop: ticks item 1; unticks item 3 and ticks it again. Phone: ticks item 2, unticks item 3.
	steps := []struct {
		svc  *Service
		item string
		done bool
	}{
		{f.visits, i1, true}, {f.visits, i3, false}, {f.visits, i3, true},
		{g.visits, i2, true}, {g.visits, i3, false},
	}
	for _, s := range steps {
		if _, err := s.svc.CheckItem(ctx, "ana", v.ID, s.item, s.done); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Sync(t, f.st, st2)
	for name, svc := range map[string]*Service{"laptop": f.visits, "phone": g.visits} {
		got, err := svc.Get(v.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range got.Checklist {
			if !it.Done {
				t.Errorf("%s: %q lost its tick", name, it.Text)
			}
		}
		if len(got.Checks) != 6 || got.Status != StatusInProgress {
			t.Errorf("%s: %d checks logged, status %s", name, len(got.Checks), got.Status)
		}
	}
}
