package technician

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"outpost/backend/assign"
	"outpost/backend/core/field"
	"outpost/backend/core/store/storetest"
	"outpost/backend/schedule"
)

func ana() Profile {
	return Profile{Name: " Ana Costa ", Email: "ana@example.com", Role: RoleLead, Tier: 2,
		Skills:  map[string]int{"Networking": 4, "vpn": 2},
		Hours:   schedule.WeekdayHours("Europe/Berlin", "09:00", "17:00"),
		TimeOff: []schedule.TimeOff{{From: "2026-12-24", To: "2026-12-31", Note: "holidays"}},
		OnSite:  true}
}

func TestCreateGetList(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, func() map[string]int { return map[string]int{"ana costa": 2} })
	ctx := context.Background()
	a, err := s.Create(ctx, "lead", ana())
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Ana Costa" || a.Skills["networking"] != 4 || !a.Active || a.Tier != 2 || len(a.TimeOff) != 1 || a.Hours.Zone != "Europe/Berlin" {
		t.Fatalf("created %+v", a)
	}
	b, err := s.Create(ctx, "lead", Profile{Name: "ben"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Role != RoleTechnician || b.Tier != 1 {
		t.Fatalf("defaults: %+v", b)
	}
	got, err := s.Get(a.ID)
	if err != nil || got.OpenLoad != 2 {
		t.Fatalf("Get = %+v, %v (open load from a ticket assigned by name before IDs)", got, err)
	}
	// Monday 2026-11-23 10:00 in Berlin; off on 2026-12-24.
	if !got.OnShift(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) || got.OnShift(time.Date(2026, 12, 24, 9, 0, 0, 0, time.UTC)) {
		t.Fatal("OnShift ignores the hours or the time off")
	}
	if _, err := s.SetActive(ctx, "lead", b.ID, false); err != nil {
		t.Fatal(err)
	}
	list, _ := s.List(false)
	if len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("active list = %v", list)
	}
	all, _ := s.List(true)
	if len(all) != 2 || all[0].Name != "Ana Costa" || all[1].Name != "ben" {
		t.Fatalf("full list = %v", all)
	}
	if _, err := s.Get("nobody"); !IsNotFound(err) {
		t.Fatalf("Get(nobody) = %v", err)
	}
}

func TestBadProfilesWriteNothing(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	before, _ := st.StateHash()
	many := map[string]int{}
	for i := range MaxSkills + 1 {
		many[fmt.Sprintf("skill-%d", i)] = 1
	}
	mod := func(f func(*Profile)) Profile { p := ana(); f(&p); return p }
	tests := []struct {
		name      string
		p         Profile
		wantField string
	}{
		{"no name", mod(func(p *Profile) { p.Name = " " }), "name"},
		{"long name", mod(func(p *Profile) { p.Name = strings.Repeat("n", MaxName+1) }), "name"},
		{"bad email", mod(func(p *Profile) { p.Email = "ana at example" }), "email"},
		{"bad role", mod(func(p *Profile) { p.Role = "boss" }), "role"},
		{"tier 4", mod(func(p *Profile) { p.Tier = 4 }), "tier"},
		{"skill level 6", mod(func(p *Profile) { p.Skills = map[string]int{"wifi": 6} }), "skills"},
		{"skill with colon", mod(func(p *Profile) { p.Skills = map[string]int{"a:b": 1} }), "skills"},
		{"too many skills", mod(func(p *Profile) { p.Skills = many }), "skills"},
		{"unknown zone", mod(func(p *Profile) { p.Hours.Zone = "Europe/Atlantis" }), "hours.zone"},
		{"bad shift", mod(func(p *Profile) { p.Hours.Shifts[2].End = "5pm" }), "hours.shifts[2].end"},
		{"bad time off", mod(func(p *Profile) { p.TimeOff[0].To = "soon" }), "timeOff[0].to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Create(context.Background(), "lead", tt.p)
			fe, ok := field.As(err)
			if !ok || fe.Field != tt.wantField {
				t.Fatalf("Create = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("bad input changed the store")
	}
}

func TestUpdateWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	ctx := context.Background()
	a, err := s.Create(ctx, "lead", ana())
	if err != nil {
		t.Fatal(err)
	}
	before, _ := st.Vector()
	if _, err := s.Update(ctx, "lead", a.ID, ana()); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Vector(); after[st.Device().ID] != before[st.Device().ID] {
		t.Fatalf("an unchanged profile wrote a change")
	}
	p := ana()
	p.Skills = map[string]int{"networking": 5, "wifi": 3}
	p.TimeOff = nil
	u, err := s.Update(ctx, "lead", a.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(u.Skills) != "map[networking:5 wifi:3]" || len(u.TimeOff) != 0 {
		t.Fatalf("updated skills %v time off %v", u.Skills, u.TimeOff)
	}
}

func TestLargeProfileIsOneAction(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	p := ana()
	p.Skills = map[string]int{}
	for i := range MaxSkills {
		p.Skills[fmt.Sprintf("skill-%02d", i)] = 1 + i%5
	}
	p.TimeOff = nil
	for i := range schedule.MaxTimeOff {
		d := time.Date(2027, 1, 1+2*i, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		p.TimeOff = append(p.TimeOff, schedule.TimeOff{From: d, To: d, Note: strings.Repeat("é", schedule.MaxNote)})
	}
	tk, err := s.Create(context.Background(), "lead", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Skills) != MaxSkills || len(tk.TimeOff) != schedule.MaxTimeOff {
		t.Fatalf("%d skills, %d time off", len(tk.Skills), len(tk.TimeOff))
	}
}

func TestConcurrentSkillAndTimeOffEditsMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := storetest.Open(t), storetest.Open(t)
	sa, sb := NewService(a, nil), NewService(b, nil)
	created, err := sa.Create(ctx, "lead", ana())
	if err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a, b)

	pa := ana()
	pa.Skills["wifi"] = 3       // laptop A adds wifi
	pa.Skills["networking"] = 5 // and raises networking
	pa.TimeOff = append(pa.TimeOff, schedule.TimeOff{From: "2027-02-01", To: "2027-02-02", Note: "training"})
	pb := ana()
	delete(pb.Skills, "vpn")  // laptop B removes vpn
	pb.Skills["printers"] = 2 // and adds printers
	pb.TimeOff = append(pb.TimeOff, schedule.TimeOff{From: "2027-03-10", To: "2027-03-10", Note: "dentist"})
	pb.Phone = "+49 30 1234"
	if _, err := sa.Update(ctx, "lead", created.ID, pa); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Update(ctx, "ana", created.ID, pb); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a, b)
	for name, s := range map[string]*Service{"A": sa, "B": sb} {
		got, err := s.Get(created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := "map[networking:5 printers:2 wifi:3]"; fmt.Sprint(got.Skills) != want {
			t.Errorf("replica %s skills = %v, want %s", name, got.Skills, want)
		}
		if len(got.TimeOff) != 3 || got.Phone != "+49 30 1234" || len(got.Conflicts) != 0 {
			t.Errorf("replica %s time off %v phone %q conflicts %v", name, got.TimeOff, got.Phone, got.Conflicts)
		}
	}
}

func TestAssignSettings(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	ctx := context.Background()
	def, err := s.AssignSettings()
	if err != nil || def.SkillsFor("Network")[0] != "networking" || def.MaxOpen != assign.DefaultMaxOpen {
		t.Fatalf("defaults = %+v, %v", def, err)
	}
	in := assign.Settings{MaxOpen: 5, Categories: map[string][]string{"Network": {"networking", "Firewalls"}}}
	saved, err := s.SaveAssignSettings(ctx, "lead", in)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.AssignSettings()
	if saved.MaxOpen != 5 || strings.Join(again.SkillsFor("network"), ",") != "networking,firewalls" || len(again.Categories) != 1 {
		t.Fatalf("saved %+v, read back %+v", saved, again)
	}
	if _, err := s.SaveAssignSettings(ctx, "lead", again); err != nil {
		t.Fatalf("saving unchanged settings: %v", err)
	}
	if _, err := s.SaveAssignSettings(ctx, "lead", assign.Settings{MaxOpen: 5000}); err == nil {
		t.Fatal("a limit of 5000 was accepted")
	}
}
