package onboarding

import (
	"context"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixed is the injected clock: always t0.
func fixed() time.Time { return t0 }

func TestDefaultsCoverEverySection(t *testing.T) {
	t.Parallel()
	for _, role := range roles {
		t.Run(role, func(t *testing.T) {
			tm := Defaults(role)
			if err := validateItems("items", tm.Items); err != nil {
				t.Fatal(err)
			}
			seen := map[Section]bool{}
			ids := map[string]bool{}
			for _, it := range tm.Items {
				seen[it.Section] = true
				if ids[it.ID] {
					t.Fatalf("duplicate item ID %s", it.ID)
				}
				ids[it.ID] = true
			}
			if len(seen) != len(sections) {
				t.Fatalf("sections covered: %v", seen)
			}
		})
	}
	if len(Defaults("lead").Items) <= len(Defaults("technician").Items) {
		t.Fatal("the lead's checklist adds nothing to the technician's")
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	st := storetest.OpenWith(t, store.Options{Now: fixed})
	s := NewService(st, func() time.Time { return t0 })
	ctx := context.Background()
	tm, err := s.Template("coordinator")
	if err != nil || !tm.Default {
		t.Fatalf("template = %+v, %v", tm, err)
	}
	bad := []struct {
		name      string
		role      string
		items     []TemplateItem
		wantField string
	}{
		{"unknown role", "intern", []TemplateItem{{Section: SectionAccess, Text: "x"}}, "role"},
		{"empty", "technician", []TemplateItem{{Text: "  "}}, "items"},
		{"bad section", "technician", []TemplateItem{{Section: "fun", Text: "Team lunch"}}, "items"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.SaveTemplate(ctx, "lead", tt.role, tt.items)
			if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
				t.Fatalf("SaveTemplate = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	n := 0
	_ = st.Scan(KindTemplate, func(change.Record) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d templates written by bad input", n)
	}
	saved, err := s.SaveTemplate(ctx, "lead", "technician", []TemplateItem{
		{Section: SectionAccess, Text: "Laptop imaged"}, {Section: SectionAccess, Text: "Laptop imaged"}, {Section: SectionShadowing, Text: "Shadow Sam"}})
	if err != nil || len(saved.Items) != 3 || saved.Items[1].ID != "laptop-imaged-2" {
		t.Fatalf("saved = %+v, %v", saved, err)
	}
	got, _ := s.Template("technician")
	if got.Default || len(got.Items) != 3 {
		t.Fatalf("template after save = %+v", got)
	}
}

func TestTicksOnTwoDevicesMergeWithoutLoss(t *testing.T) {
	t.Parallel()
	a, b := storetest.OpenWith(t, store.Options{Now: fixed}), storetest.OpenWith(t, store.Options{Now: fixed})
	now := func() time.Time { return t0 }
	sa, sb := NewService(a, now), NewService(b, now)
	ctx := context.Background()
	if _, err := sa.Start(ctx, "lead", StartInput{Name: "  ", Role: "technician"}); !isField(err, "name") {
		t.Fatalf("start without a name: %v", err)
	}
	if _, err := sa.Start(ctx, "lead", StartInput{Name: "Noor", Role: "technician", Start: "next monday"}); !isField(err, "start") {
		t.Fatalf("start with a bad date: %v", err)
	}
	c, err := sa.Start(ctx, "lead", StartInput{Name: "Noor", Technician: "tech-noor"})
	if err != nil || c.Start != "2026-03-02" || c.Progress.Done != 0 || c.Progress.Total != len(Defaults("technician").Items) {
		t.Fatalf("checklist = %+v, %v", c.Progress, err)
	}
	if _, err := sa.Tick(ctx, "lead", c.ID, "no-such-item", true, ""); !isField(err, "item") {
		t.Fatalf("tick of a missing item: %v", err)
	}
	storetest.Sync(t, a, b)

	// Offline at the same time: the lead ticks access items on A, Noor ticks
	// training on B, and both touch "vpn".
	for _, id := range []string{"account", "outpost", "vpn"} {
		if _, err := sa.Tick(ctx, "lead", c.ID, id, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sb.Tick(ctx, "noor", c.ID, "train-queue", true, "done with Sam"); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Tick(ctx, "noor", c.ID, "vpn", false, "token not arrived"); err != nil {
		t.Fatal(err)
	}
	added, err := sb.AddItem(ctx, "noor", c.ID, SectionAccess, "Badge for site B")
	if err != nil {
		t.Fatal(err)
	}
	extra := added.Items[len(added.Items)-1]
	if _, err := sb.Tick(ctx, "noor", c.ID, extra.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a, b)

	ga, _ := sa.Get(c.ID)
	gb, _ := sb.Get(c.ID)
	if ga.Progress.Done != gb.Progress.Done || ga.Progress.Total != gb.Progress.Total {
		t.Fatalf("replicas disagree: %+v vs %+v", ga.Progress, gb.Progress)
	}
	state := map[string]Item{}
	for _, it := range ga.Items {
		state[it.ID] = it
	}
	for _, id := range []string{"account", "outpost", "train-queue", extra.ID} {
		if !state[id].Done {
			t.Fatalf("item %s lost its tick in the merge", id)
		}
	}
	if v := state["vpn"]; len(v.Others) != 1 {
		t.Fatalf("concurrent ticks of vpn not flagged: %+v", v)
	}
	if ga.Progress.Total != len(Defaults("technician").Items)+1 {
		t.Fatalf("total = %d", ga.Progress.Total)
	}
	// Settling the concurrent item clears the flag.
	settled, err := sa.Tick(ctx, "lead", c.ID, "vpn", true, "")
	if err != nil || len(settledItem(settled, "vpn").Others) != 0 || !settledItem(settled, "vpn").Done {
		t.Fatalf("settle: %+v, %v", settledItem(settled, "vpn"), err)
	}
	list, _ := sa.List()
	if len(list) != 1 || list[0].Progress.Percent == 0 {
		t.Fatalf("list = %+v", list)
	}
}

func settledItem(c Checklist, id string) Item {
	for _, it := range c.Items {
		if it.ID == id {
			return it
		}
	}
	return Item{}
}

func isField(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}
