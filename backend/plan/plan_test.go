package plan

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
)

// Monday 2 March 2026.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

const week = 7 * 24 * time.Hour

// weekly is a figure table by week since t0, standing in for the reports: a real
// function of the period asked for, so a wrong period gives a wrong figure.
func weekly(table map[Metric][]float64) Figures {
	return func(techID string, m Metric, from, to time.Time) (float64, bool, error) {
		if techID != "tech-sam" {
			return 0, false, errors.New("asked about the wrong technician")
		}
		if to.Sub(from) != week {
			return 0, false, errors.New("a weekly review measures one week")
		}
		i := int(to.Sub(t0) / week)
		vals := table[m]
		if i < 0 || i >= len(vals) || vals[i] < 0 {
			return 0, false, nil
		}
		return vals[i], true, nil
	}
}

type device struct {
	st     *store.Store
	plans  *Service
	people *person.Service
}

func newDevice(t *testing.T, c *storetest.Clock, figs Figures, name string, role person.Role, techID string) *device {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenWith(t, store.Options{Dir: dir, Now: c.Now})
	ppl, err := person.NewService(st, person.Options{Dir: dir, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ppl.SetUp(context.Background(), person.Profile{Name: name, Role: role, TechnicianID: techID}); err != nil {
		t.Fatal(err)
	}
	return &device{st: st, people: ppl, plans: NewService(st, ppl, figs, c.Now)}
}

var samPlan = Content{Title: "Sam: SLA and documentation", Goals: []Goal{
	{Metric: SLACompliance, Target: 90},
	{Metric: FCR, Target: 70},
	{Metric: DocumentationScore, Target: 4, Note: "work logs say what was found"},
}}

func TestValidate(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	lead := newDevice(t, c, nil, "Lena", person.RoleLead, "")
	tests := []struct {
		name      string
		mutate    func(*Content)
		wantField string
	}{
		{"no title", func(p *Content) { p.Title = "" }, "title"},
		{"no goals", func(p *Content) { p.Goals = nil }, "goals"},
		{"unknown metric", func(p *Content) { p.Goals = []Goal{{Metric: "happiness", Target: 5}} }, "goals.0.metric"},
		{"percent above 100", func(p *Content) { p.Goals = []Goal{{Metric: FCR, Target: 170}} }, "goals.0.target"},
		{"score above 5", func(p *Content) {
			p.Goals = []Goal{{Metric: SLACompliance, Target: 90}, {Metric: DocumentationScore, Target: 40}}
		}, "goals.1.target"},
		{"shorter than a week", func(p *Content) { p.Start, p.End = "2026-03-02", "2026-03-05" }, "end"},
		{"bad start", func(p *Content) { p.Start = "March" }, "start"},
		{"bad status", func(p *Content) { p.Status = "paused" }, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := samPlan
			p.Goals = append([]Goal(nil), samPlan.Goals...)
			tt.mutate(&p)
			_, err := lead.plans.Create(context.Background(), "tech-sam", p, false)
			if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
				t.Fatalf("Create = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	if list, _ := lead.plans.List(""); len(list) != 0 {
		t.Fatalf("%d plans written by bad input", len(list))
	}
}

func TestWeeklyReviewsSetLiveFiguresAgainstTargets(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	figs := weekly(map[Metric][]float64{
		SLACompliance:      {-1, 85, 92.4},
		FCR:                {-1, 72, 65},
		DocumentationScore: {-1, -1, 4.25},
	})
	lead := newDevice(t, c, figs, "Lena", person.RoleLead, "")
	ctx := context.Background()
	p, err := lead.plans.Create(ctx, "tech-sam", samPlan, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Start != "2026-03-02" || p.End != "2026-04-26" || p.NextReview != "2026-03-09" || p.ReviewDue || p.Live[0].Known {
		t.Fatalf("new plan = %+v", p)
	}
	if _, err := lead.plans.RecordReview(ctx, p.ID, " "); !isField(err, "note") {
		t.Fatalf("review without a note: %v", err)
	}

	c.Add(week)
	p, _ = lead.plans.Get(p.ID)
	if !p.ReviewDue {
		t.Fatal("the weekly review is not due a week after the start")
	}
	if p, err = lead.plans.RecordReview(ctx, p.ID, "SLA slipped on two P2s; pairing with Omar"); err != nil {
		t.Fatal(err)
	}
	e := p.Entries[0]
	if e.Date != "2026-03-09" || e.Figures[0].Met || !e.Figures[1].Met || e.Figures[2].Known || p.NextReview != "2026-03-16" || p.ReviewDue {
		t.Fatalf("week 1 = %+v, next %s", e, p.NextReview)
	}
	if !strings.Contains(e.Figures[0].Text, "SLA compliance 85% against a target of 90%: below the target") {
		t.Fatalf("sentence = %q", e.Figures[0].Text)
	}

	c.Add(week)
	if p, err = lead.plans.RecordReview(ctx, p.ID, "SLA back on track; FCR dipped"); err != nil {
		t.Fatal(err)
	}
	e = p.Entries[1]
	if !e.Figures[0].Met || e.Figures[0].Value != 92.4 || e.Figures[1].Met || !e.Figures[2].Met || len(p.Entries) != 2 {
		t.Fatalf("week 2 = %+v", e)
	}
	// The first entry keeps the figures it was recorded with.
	if p.Entries[0].Figures[0].Value != 85 {
		t.Fatalf("week 1 entry changed: %+v", p.Entries[0])
	}
	done := p.Content
	done.Status = StatusCompleted
	if p, err = lead.plans.Update(ctx, p.ID, done); err != nil || p.ReviewDue {
		t.Fatalf("complete: %+v, %v", p, err)
	}
	if _, err := lead.plans.RecordReview(ctx, p.ID, "one more"); !isField(err, "status") {
		t.Fatalf("review of a completed plan: %v", err)
	}
}

func TestPlansArePrivate(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	figs := weekly(map[Metric][]float64{SLACompliance: {80, 80}})
	lead := newDevice(t, c, figs, "Lena", person.RoleLead, "")
	sam := newDevice(t, c, figs, "Sam", person.RoleTechnician, "tech-sam")
	other := newDevice(t, c, figs, "Omar", person.RoleTechnician, "tech-omar")
	storetest.Sync(t, lead.st, sam.st, other.st)
	ctx := context.Background()
	secret := samPlan
	secret.Title = "Formal improvement plan for Sam"
	p, err := lead.plans.Create(ctx, "tech-sam", secret, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Add(week)
	if _, err := lead.plans.RecordReview(ctx, p.ID, "Discussed the Friday backlog"); err != nil {
		t.Fatal(err)
	}
	if _, err := sam.plans.Create(ctx, "tech-omar", secret, false); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("a technician wrote a plan: %v", err)
	}
	storetest.Sync(t, lead.st, sam.st, other.st)
	count := func(d *device) int {
		l, err := d.plans.List("")
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	if count(lead) != 1 || count(sam) != 0 || count(other) != 0 {
		t.Fatalf("unshared: lead %d sam %d other %d", count(lead), count(sam), count(other))
	}
	for _, d := range []*device{sam, other} {
		cs, _ := d.st.ChangesAfter(store.Vector{}, 1<<30)
		for _, ch := range cs {
			b, _ := ch.Encode()
			if bytes.Contains(b, []byte("improvement plan")) || bytes.Contains(b, []byte("Friday backlog")) {
				t.Fatal("plan text stored in the clear on another member's device")
			}
		}
	}
	if _, err := lead.plans.Share(ctx, p.ID, true); err != nil {
		t.Fatal(err)
	}
	c.Add(week)
	if _, err := lead.plans.RecordReview(ctx, p.ID, "Shared the plan with Sam"); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, sam.st, other.st)
	got, err := sam.plans.Get(p.ID)
	if err != nil || got.Title != secret.Title || len(got.Entries) != 1 || got.Entries[0].Note != "Shared the plan with Sam" {
		t.Fatalf("sam reads %+v, %v", got, err)
	}
	if count(other) != 0 {
		t.Fatal("another member reads the shared plan")
	}
	if _, err := sam.plans.RecordReview(ctx, p.ID, "I reviewed myself"); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("the technician wrote a review entry: %v", err)
	}
}

func isField(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}
