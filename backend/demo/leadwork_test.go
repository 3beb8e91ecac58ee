package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/coaching"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/directory"
	"outpost/backend/onboarding"
	"outpost/backend/person"
	"outpost/backend/problem"
	"outpost/backend/technician"
	"outpost/backend/visit"
)

// generateAsLead generates cfg into a fresh replica whose device person is a lead, the
// way the window loads demo data for a lead, and returns that person's service.
func generateAsLead(t testing.TB, cfg Config) (*store.Store, Stats, *person.Service) {
	t.Helper()
	if cfg.End.IsZero() {
		cfg.End = testEnd
	}
	if err := cfg.Normalize(testEnd); err != nil {
		t.Fatal(err)
	}
	clk := NewClock(cfg.Begin().Add(-time.Hour))
	st := storetest.OpenWith(t, store.Options{Now: clk.Now})
	keys := t.TempDir()
	people, err := person.NewService(st, person.Options{Dir: keys})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := people.SetUp(context.Background(), person.Profile{Name: "Ana Lead", Role: person.RoleLead}); err != nil {
		t.Fatal(err)
	}
	cfg.LeadKeyDir = keys
	clk.Set(cfg.Begin())
	stats, err := Generate(context.Background(), st, clk, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, stats, people
}

// digestLeadWork sums, per kind, what a person sees of the visits, coaching items (as
// the lead of people opens them), problems, vendors and onboarding, with tickets and
// technicians named rather than identified.
func digestLeadWork(t testing.TB, st *store.Store, people *person.Service) map[string]string {
	t.Helper()
	techs, err := technician.NewService(st, nil).List(true)
	if err != nil {
		t.Fatal(err)
	}
	name := map[string]string{}
	for _, tc := range techs {
		name[tc.ID] = tc.Name
	}
	number := map[string]string{}
	for _, tk := range allTickets(t, st) {
		_, n, _ := strings.Cut(tk.Number, "-")
		number[tk.ID] = n
	}
	numbers := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = number[id]
		}
		slices.Sort(out)
		return out
	}
	lines := map[string][]string{}
	add := func(kind string, v ...any) { lines[kind] = append(lines[kind], fmt.Sprintln(v...)) }
	err = st.Scan(visit.Kind, func(r change.Record) error {
		v := visit.FromRecord(r)
		var items []string
		for _, it := range v.Checklist {
			items = append(items, fmt.Sprint(it.Text, it.Done))
		}
		add("visits", number[v.TicketID], name[v.Technician], v.Start.UnixMilli(), v.End.UnixMilli(), v.Site, v.Address, v.Status, v.Outcome, items)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	coach := coaching.NewService(st, people, func() time.Time { return testEnd })
	for _, tc := range techs {
		v, err := coach.Notes(tc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range slices.Concat(v.Notes, v.Goals, v.Actions) {
			add("coaching", tc.Name, it.Type, it.Title, it.Body, it.Date, it.Target, it.Due, it.Done, numbers(it.Tickets), it.Created.UnixMilli())
		}
	}
	ps, err := problem.NewService(st, nil).List()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		add("problems", p.Title, p.Status, p.Category, p.Lens, p.Workaround, p.Fix, numbers(p.Incidents), len(p.Notes))
	}
	dir := directory.NewService(st, func() time.Time { return testEnd })
	cases, err := dir.Cases(true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		add("vendor cases", c.VendorName, c.CaseNumber, c.Type, c.Title, c.Status, c.NextFollowUp, numbers(c.Tickets), len(c.FollowUps))
		for _, f := range c.FollowUps {
			add("vendor cases", f.Author, f.At.UnixMilli(), f.Note, f.Next)
		}
	}
	ags, err := dir.Agreements()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags {
		add("vendor cases", a.VendorName, a.Contract, a.Expires)
	}
	obs, err := onboarding.NewService(st, nil).List()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range obs {
		add("onboarding", c.Name, c.Role, c.Start, c.Progress)
	}
	out := map[string]string{}
	for _, kind := range []string{"visits", "coaching", "problems", "vendor cases", "onboarding"} {
		if len(lines[kind]) == 0 {
			t.Fatalf("no %s generated", kind)
		}
		slices.Sort(lines[kind])
		h := sha256.Sum256([]byte(strings.Join(lines[kind], "")))
		out[kind] = hex.EncodeToString(h[:])
	}
	return out
}

func TestLeadWorkLooksLikeATeamsYear(t *testing.T) {
	t.Parallel()
	st, stats, people := generateAsLead(t, Config{Tickets: 1500, Technicians: 8, Seed: 1})
	if lead := LeadName(Config{Technicians: 8, Seed: 1}); lead != stats.Technicians[7] {
		t.Errorf("LeadName = %q, the generated lead is %q", lead, stats.Technicians[7])
	}
	if !stats.CoachingReadable || stats.CoachingLead != "Ana Lead" {
		t.Fatalf("coaching written by %q, readable %v: want the device's lead", stats.CoachingLead, stats.CoachingReadable)
	}
	var visits []visit.Visit
	err := st.Scan(visit.Kind, func(r change.Record) error {
		visits = append(visits, visit.FromRecord(r))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var done, upcoming int
	for _, v := range visits {
		switch {
		case v.Status == visit.StatusDone && v.Outcome != "":
			done++
		case v.Start.After(testEnd) && v.Status == visit.StatusScheduled:
			upcoming++
		}
	}
	if len(visits) != stats.Visits || len(visits) < 30 || done < len(visits)/2 || upcoming == 0 {
		t.Errorf("%d visits (stats %d), %d done with an outcome, %d upcoming", len(visits), stats.Visits, done, upcoming)
	}

	techs, err := technician.NewService(st, nil).List(true)
	if err != nil {
		t.Fatal(err)
	}
	coach := coaching.NewService(st, people, func() time.Time { return testEnd })
	subjects, err := coach.Subjects()
	if err != nil {
		t.Fatal(err)
	}
	if len(subjects) != 2 {
		t.Fatalf("coaching about %d technicians, want 2", len(subjects))
	}
	items, overdue, refs := 0, 0, 0
	for _, tc := range techs {
		v, err := coach.Notes(tc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range slices.Concat(v.Notes, v.Goals, v.Actions) {
			items++
			refs += len(it.Tickets)
			if it.Overdue {
				overdue++
			}
			if !it.Mine {
				t.Errorf("coaching item %q is not the device lead's own", it.Title)
			}
		}
	}
	if items != stats.CoachingItems || items < 10 || overdue == 0 || refs == 0 {
		t.Errorf("%d coaching items readable (stats %d), %d overdue, %d ticket references", items, stats.CoachingItems, overdue, refs)
	}

	ps, err := problem.NewService(st, nil).List()
	if err != nil {
		t.Fatal(err)
	}
	status := map[problem.Status]int{}
	for _, p := range ps {
		status[p.Status]++
		if len(p.Incidents) == 0 {
			t.Errorf("problem %q has no incidents", p.Title)
		}
	}
	if len(ps) != 3 || status[problem.StatusClosed] != 1 || status[problem.StatusKnownError] != 1 || status[problem.StatusInvestigating] != 1 {
		t.Errorf("problems by status: %v", status)
	}

	dir := directory.NewService(st, func() time.Time { return testEnd })
	due, err := dir.DueCases()
	if err != nil {
		t.Fatal(err)
	}
	ags, err := dir.Agreements()
	if err != nil {
		t.Fatal(err)
	}
	var soon, expired int
	for _, a := range ags {
		if a.ExpiringSoon {
			soon++
		}
		if a.Expired {
			expired++
		}
	}
	if stats.VendorCases != 3 || len(due) == 0 || soon != 1 || expired != 1 {
		t.Errorf("%d vendor cases, %d due, agreements expiring soon %d, expired %d", stats.VendorCases, len(due), soon, expired)
	}

	obs, err := onboarding.NewService(st, func() time.Time { return testEnd }).List()
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 || stats.Onboarding != 2 {
		t.Fatalf("%d onboarding checklists (stats %d), want 2", len(obs), stats.Onboarding)
	}
}

func TestCoachingWithoutALeadIsSealedToADemoLead(t *testing.T) {
	t.Parallel()
	// A replica with no lead person: the notes go to a demo lead whose key is gone.
	st, stats := generate(t, Config{Tickets: 60, Technicians: 4, Seed: 2})
	if stats.CoachingReadable || stats.CoachingItems == 0 {
		t.Fatalf("stats %+v: want coaching items that are not readable here", stats)
	}
	var sealedItems int
	err := st.Scan(coaching.Kind, func(r change.Record) error {
		sealedItems++
		return nil
	})
	if err != nil || sealedItems == 0 {
		t.Fatalf("%d coaching records, %v", sealedItems, err)
	}
	people, err := person.NewService(st, person.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := people.People()
	if err != nil || len(ps) != 1 || ps[0].Name != stats.CoachingLead || ps[0].Role != person.RoleLead {
		t.Fatalf("people %+v, %v: want the demo lead %q", ps, err, stats.CoachingLead)
	}
}
