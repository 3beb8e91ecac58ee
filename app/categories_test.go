package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/assign"
	"outpost/backend/category"
	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

// Rules written for "account" never matched tickets filed as "accounts". Once the existing
// values are on the list, the near-duplicate is offered, and merging it moves the tickets, so
// the rule matches them; a ticket can then only be filed under a listed category.
func TestCategoryMergeMakesRulesMatch(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	a.Technicians.now = func() time.Time { return fieldNow }
	if _, err := a.Technicians.Create(technician.Profile{Name: "Ida", Skills: map[string]int{"identity": 4}, OnSite: true,
		Hours: schedule.WeekdayHours("UTC", "09:00", "17:00")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Technicians.SaveCategories(assign.Settings{MaxOpen: 10, Categories: map[string][]string{"account": {"identity"}}}); err != nil {
		t.Fatal(err)
	}
	locked, err := a.Tickets.Create(ticket.NewTicket{Title: "Locked out", Category: "accounts"})
	if err != nil {
		t.Fatal(err)
	}
	if sg, _ := a.Technicians.Suggest(locked.ID); len(sg.Candidates) > 0 && strings.Contains(sg.Candidates[0].Reason, "identity") {
		t.Fatalf("the rule for account matched accounts before any merge: %+v", sg.Candidates[0])
	}

	ov, err := a.Categories.Migrate()
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Categories) != 2 || !slices.Contains(ov.Near, category.Pair{A: "account", B: "accounts"}) || len(ov.Unlisted) != 0 {
		t.Fatalf("after migrating: %+v", ov)
	}
	id := func(name string) string {
		i := slices.IndexFunc(ov.Categories, func(c category.Category) bool { return c.Name == name })
		return ov.Categories[i].ID
	}
	if _, err := a.Categories.Merge(id("accounts"), id("account")); err != nil {
		t.Fatal(err)
	}
	got, _ := a.Tickets.Get(locked.ID)
	if got.Category != "account" {
		t.Fatalf("merged ticket is filed under %q", got.Category)
	}
	h, _ := a.Tickets.History(locked.ID)
	if !slices.ContainsFunc(h, func(e change.Entry) bool {
		return e.Field == "category" && strings.Contains(string(e.Value), "account")
	}) {
		t.Fatal("the move is not in the ticket's history")
	}
	sg, err := a.Technicians.Suggest(locked.ID)
	if err != nil || len(sg.Candidates) == 0 || !strings.Contains(sg.Candidates[0].Reason, "identity") {
		t.Fatalf("after the merge the rule does not match: %+v %v", sg, err)
	}

	_, err = a.Tickets.Create(ticket.NewTicket{Title: "Phone dead", Category: "phones"})
	if fe, ok := field.As(err); !ok || fe.Field != "category" || !strings.Contains(fe.Problem, "not on the category list") {
		t.Fatalf("unlisted category: %v", err)
	}
	_, err = a.Technicians.SaveCategories(assign.Settings{MaxOpen: 10, Categories: map[string][]string{"phones": {"mobile"}}})
	if fe, ok := field.As(err); !ok || fe.Field != "categories" {
		t.Fatalf("rule for an unlisted category: %v", err)
	}
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Password reset", Category: "ACCOUNT"})
	if err != nil || tk.Category != "account" {
		t.Fatalf("listed category in another case: %q %v", tk.Category, err)
	}
}
