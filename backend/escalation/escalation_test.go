package escalation

import (
	"context"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

var networkPath = Input{
	Category: "Network",
	Tier2:    Target{Technicians: []string{"tech-net-1", " tech-net-1 ", "tech-net-2"}},
	Tier3:    Target{Contact: "Infrastructure team"},
	External: Target{Contact: "ISP support, 0800 555 010"},
	Rules:    Rules{SLARiskAtLeast: 0.75, PriorityAtMost: 1, HoursInTierOver: 8},
	Checklist: []Item{
		{Text: "Client logs attached", Required: true},
		{Text: "Affected sites listed", Required: true},
		{Text: "Speed test result", Required: false},
		{Text: "  "},
	},
}

func TestSaveAndGet(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st)
	ctx := context.Background()
	p, err := s.Save(ctx, "lead", networkPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tier2.Technicians) != 2 || len(p.Checklist) != 3 || p.Checklist[0].ID != "client-logs-attached" {
		t.Fatalf("path = %+v", p)
	}
	got, err := s.Get(" network ")
	if err != nil || got.ID != p.ID || got.Rules != networkPath.Rules {
		t.Fatalf("Get by category ignoring case = %+v, %v", got, err)
	}
	// Saving the same path again writes nothing.
	before, _ := st.Vector()
	if _, err := s.Save(ctx, "lead", networkPath); err != nil {
		t.Fatal(err)
	}
	after, _ := st.Vector()
	if after[st.Device().ID] != before[st.Device().ID] {
		t.Fatalf("an unchanged save wrote %d changes", after[st.Device().ID]-before[st.Device().ID])
	}
	if err := s.Delete(ctx, "lead", "network"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("network"); err == nil {
		t.Fatal("deleted path still found")
	}
	if _, err := s.Save(ctx, "lead", networkPath); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.List(); len(list) != 1 {
		t.Fatalf("list = %+v", list)
	}
}

func TestSaveRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st)
	tests := []struct {
		name      string
		in        Input
		wantField string
	}{
		{"no category", Input{}, "category"},
		{"share as percent", Input{Category: "x", Rules: Rules{SLARiskAtLeast: 75}}, "rules.slaRiskAtLeast"},
		{"priority 6", Input{Category: "x", Rules: Rules{PriorityAtMost: 6}}, "rules.priorityAtMost"},
		{"negative hours", Input{Category: "x", Rules: Rules{HoursInTierOver: -1}}, "rules.hoursInTierOver"},
		{"bad item id", Input{Category: "x", Checklist: []Item{{ID: "a b", Text: "logs"}}}, "checklist"},
		{"long contact", Input{Category: "x", Tier3: Target{Contact: strings.Repeat("c", MaxShort+1)}}, "tier3.contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Save(context.Background(), "lead", tt.in)
			if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
				t.Fatalf("Save = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	n := 0
	_ = st.Scan(Kind, func(change.Record) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d paths written by bad input", n)
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	p := Path{Category: "Network", Rules: networkPath.Rules, Tier2: Target{Technicians: []string{"n1"}}, Tier3: Target{Contact: "Infra"}, External: Target{Contact: "ISP"}}
	tests := []struct {
		name     string
		p        Path
		f        Facts
		escalate bool
		reasons  int
		toTier   int
		target   string
	}{
		{"calm ticket", p, Facts{Tier: 1, Priority: 3, SLAShare: 0.2, TimeInTier: time.Hour}, false, 0, 2, ""},
		{"sla at risk", p, Facts{Tier: 1, Priority: 3, SLAShare: 0.75, TimeInTier: time.Hour}, true, 1, 2, ""},
		{"just under risk", p, Facts{Tier: 1, Priority: 3, SLAShare: 0.749}, false, 0, 2, ""},
		{"p1 goes up at once", p, Facts{Tier: 1, Priority: 1}, true, 1, 2, ""},
		{"too long in tier 2", p, Facts{Tier: 2, Priority: 3, TimeInTier: 9 * time.Hour}, true, 1, 3, "Infra"},
		{"exactly the limit is not over", p, Facts{Tier: 2, Priority: 3, TimeInTier: 8 * time.Hour}, false, 0, 3, "Infra"},
		{"everything at tier 3 goes outside", p, Facts{Tier: 3, Priority: 1, SLAShare: 1.2, TimeInTier: 20 * time.Hour}, true, 3, 4, "ISP"},
		{"rules off", Path{}, Facts{Tier: 1, Priority: 1, SLAShare: 2, TimeInTier: 1000 * time.Hour}, false, 0, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.p, tt.f)
			if d.Escalate != tt.escalate || len(d.Reasons) != tt.reasons || d.ToTier != tt.toTier || d.Target.Contact != tt.target {
				t.Fatalf("Evaluate = %+v", d)
			}
		})
	}
}

func TestTimeInTier(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tk := ticket.Ticket{Summary: ticket.Summary{Created: created}}
	if got := TimeInTier(tk, created.Add(5*time.Hour)); got != 5*time.Hour {
		t.Fatalf("no escalation: %v", got)
	}
	tk.Escalations = []ticket.Escalation{{At: created.Add(2 * time.Hour)}, {At: created.Add(time.Hour)}}
	if got := TimeInTier(tk, created.Add(5*time.Hour)); got != 3*time.Hour {
		t.Fatalf("after escalation: %v", got)
	}
	if got := TimeInTier(tk, created); got != 0 {
		t.Fatalf("clock before escalation: %v", got)
	}
}

// TestEscalationEnforcesChecklist runs real escalations through the ticket
// service with the path's guard installed, as the app does.
func TestEscalationEnforcesChecklist(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	paths := NewService(st)
	tickets := ticket.NewService(st, nil)
	tickets.GuardEscalation(paths.Guard)
	ctx := context.Background()
	if _, err := paths.Save(ctx, "lead", networkPath); err != nil {
		t.Fatal(err)
	}
	net, _ := tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Site B offline", Category: "network"})
	other, _ := tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Toner", Category: "printing"})
	base := ticket.EscalateInput{ToTier: 2, Reason: "needs switch access", Handover: "Port 12 flaps; logs from the switch attached"}
	with := func(c map[string]bool) ticket.EscalateInput { in := base; in.Checklist = c; return in }

	tests := []struct {
		name      string
		id        string
		in        ticket.EscalateInput
		wantField string // "" means the escalation goes through
	}{
		{"nothing confirmed", net.ID, base, "checklist.client-logs-attached"},
		{"one of two required", net.ID, with(map[string]bool{"client-logs-attached": true}), "checklist.affected-sites-listed"},
		{"confirmed false", net.ID, with(map[string]bool{"client-logs-attached": true, "affected-sites-listed": false}), "checklist.affected-sites-listed"},
		{"bad item id", net.ID, with(map[string]bool{"a b": true}), "checklist"},
		{"no path for the category", other.ID, base, ""},
		{"all required confirmed", net.ID, with(map[string]bool{"client-logs-attached": true, "affected-sites-listed": true}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := tickets.Get(tt.id)
			got, err := tickets.Escalate(ctx, "alice", tt.id, tt.in)
			if tt.wantField != "" {
				fe, ok := field.As(err)
				if !ok || fe.Field != tt.wantField {
					t.Fatalf("Escalate = %v, want a %s field error", err, tt.wantField)
				}
				after, _ := tickets.Get(tt.id)
				if after.Tier != before.Tier || len(after.Escalations) != len(before.Escalations) {
					t.Fatalf("a refused escalation was written: tier %d, %d escalations", after.Tier, len(after.Escalations))
				}
				return
			}
			if err != nil || got.Tier != 2 {
				t.Fatalf("Escalate = %+v, %v", got.Summary, err)
			}
			if tt.in.Checklist != nil && !got.Escalations[len(got.Escalations)-1].Checklist["client-logs-attached"] {
				t.Fatalf("confirmed items not recorded: %+v", got.Escalations)
			}
		})
	}
}

func TestMissing(t *testing.T) {
	t.Parallel()
	p := Path{Checklist: []Item{{ID: "a", Text: "A", Required: true}, {ID: "b", Text: "B"}, {ID: "c", Text: "C", Required: true}}}
	if m := Missing(p, map[string]bool{"a": true}); len(m) != 1 || m[0].ID != "c" {
		t.Fatalf("Missing = %+v", m)
	}
	if err := Check(p, map[string]bool{"a": true, "c": true}); err != nil {
		t.Fatalf("Check = %v", err)
	}
}

// The form asks for the SLA risk in percent, so its error speaks of percent too.
func TestSLARiskErrorSpeaksOfPercent(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t))
	_, err := s.Save(context.Background(), "lead", Input{Category: "x", Rules: Rules{SLARiskAtLeast: 1.5}})
	fe, ok := field.As(err)
	if !ok || fe.Field != "rules.slaRiskAtLeast" {
		t.Fatalf("Save = %v, want a field error on rules.slaRiskAtLeast", err)
	}
	if want := "SLA resolution target used must be from 0 to 100%; 0 turns the rule off"; err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
}
