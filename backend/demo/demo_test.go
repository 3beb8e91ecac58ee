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

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/queue"
	"outpost/backend/sop"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

var testEnd = time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC)

// generate opens a fresh replica on a demo clock and generates cfg into it.
func generate(t testing.TB, cfg Config) (*store.Store, Stats) {
	t.Helper()
	if cfg.End.IsZero() {
		cfg.End = testEnd
	}
	if err := cfg.Normalize(testEnd); err != nil {
		t.Fatal(err)
	}
	clk := NewClock(cfg.Begin())
	st := storetest.OpenWith(t, store.Options{Now: clk.Now})
	stats, err := Generate(context.Background(), st, clk, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, stats
}

func allTickets(t testing.TB, st *store.Store) []ticket.Ticket {
	t.Helper()
	var out []ticket.Ticket
	err := st.Scan(ticket.Kind, func(r change.Record) error {
		out = append(out, ticket.FromRecord(r))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b ticket.Ticket) int { return a.Created.Compare(b.Created) })
	return out
}

// digest sums what a person sees of every ticket, leaving out the random IDs and device
// tag (technicians are named, not identified).
func digest(t testing.TB, st *store.Store, ts []ticket.Ticket) string {
	t.Helper()
	techs, err := technician.NewService(st, nil).List(true)
	if err != nil {
		t.Fatal(err)
	}
	name := map[string]string{}
	for _, tc := range techs {
		name[tc.ID] = tc.Name
	}
	h := sha256.New()
	for _, t := range ts {
		_, n, _ := strings.Cut(t.Number, "-")
		fmt.Fprintln(h, n, t.Title, t.Description, t.Requester, t.Category, t.Impact, t.Urgency, t.Priority, t.Status,
			name[t.Assignee], t.Tier, t.Tags, t.Created.UnixMilli(), t.Updated.UnixMilli(), t.CreatedBy)
		for _, c := range t.Comments {
			fmt.Fprintln(h, c.Author, c.At.UnixMilli(), c.Body, c.Internal)
		}
		for _, w := range t.WorkLogs {
			fmt.Fprintln(h, w.Author, w.At.UnixMilli(), w.Minutes, w.Note)
		}
		for _, e := range t.Escalations {
			fmt.Fprintln(h, e.By, e.At.UnixMilli(), e.FromTier, e.ToTier, name[e.To], e.Reason, e.Handover)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestSameSeedGivesSameData(t *testing.T) {
	t.Parallel()
	cfg := Config{Tickets: 150, Technicians: 6, Seed: 7}
	a, _, pa := generateAsLead(t, cfg)
	b, _, pb := generateAsLead(t, cfg)
	cfg.Seed = 8
	c, _, pc := generateAsLead(t, cfg)
	da, db, dc := digest(t, a, allTickets(t, a)), digest(t, b, allTickets(t, b)), digest(t, c, allTickets(t, c))
	if da != db {
		t.Fatal("two generations with seed 7 differ")
	}
	if da == dc {
		t.Fatal("seeds 7 and 8 gave the same data")
	}
	ea, eb, ec := digestLeadWork(t, a, pa), digestLeadWork(t, b, pb), digestLeadWork(t, c, pc)
	for kind, d := range ea {
		if d != eb[kind] {
			t.Errorf("%s: two generations with seed 7 differ", kind)
		}
		if d == ec[kind] {
			t.Errorf("%s: seeds 7 and 8 gave the same data", kind)
		}
	}
}

func TestDatasetLooksLikeAYearOfAHelpDesk(t *testing.T) {
	t.Parallel()
	cfg := Config{Tickets: 2500, Technicians: 8, SOPs: 30, Seed: 1}
	st, stats := generate(t, cfg)
	techs, err := technician.NewService(st, nil).List(true)
	if err != nil || len(techs) != 8 {
		t.Fatalf("%d technicians, %v", len(techs), err)
	}
	sops, err := sop.NewService(st, nil).List(sop.Filter{})
	if err != nil || len(sops) != 30 || stats.SOPRevisions == 0 {
		t.Fatalf("%d SOPs, %d revised, %v", len(sops), stats.SOPRevisions, err)
	}
	isTech := map[string]bool{}
	for _, tc := range techs {
		isTech[tc.ID] = true
	}
	ts := allTickets(t, st)
	if len(ts) != cfg.Tickets || stats.Tickets != cfg.Tickets {
		t.Fatalf("%d tickets in the replica, stats say %d, want %d", len(ts), stats.Tickets, cfg.Tickets)
	}
	start := testEnd.AddDate(-1, 0, 0)
	if first, last := ts[0].Created, ts[len(ts)-1].Created; first.Before(start) || first.After(start.AddDate(0, 0, 7)) || last.After(testEnd) || last.Before(testEnd.AddDate(0, 0, -3)) {
		t.Fatalf("tickets created from %s to %s, want the year before %s", first, last, testEnd)
	}
	count := map[string]int{}
	var reopened, escalated, waited, worked, commented, open, closed int
	for _, tk := range ts {
		hist, err := ticket.NewService(st, nil).History(tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[string]bool{}
		for _, e := range hist {
			if e.Field == "status" {
				statuses[strings.Trim(string(e.Value), `"`)] = true
			}
		}
		if statuses["reopened"] {
			reopened++
		}
		if statuses["waiting_requester"] || statuses["waiting_third_party"] {
			waited++
		}
		if len(tk.Escalations) > 0 {
			escalated++
			if len(tk.Escalations[0].Handover) < ticket.MinHandover {
				t.Errorf("escalation without a handover note on %s", tk.Number)
			}
		}
		if len(tk.WorkLogs) > 0 {
			worked++
		}
		if len(tk.Comments) > 0 {
			commented++
		}
		if tk.Status.Open() {
			open++
		}
		if tk.Assignee != "" && !isTech[tk.Assignee] {
			t.Errorf("%s assigned to %q, not a technician", tk.Number, tk.Assignee)
		}
		if tk.Status == ticket.StatusClosed {
			closed++
		}
		if tk.Updated.Before(tk.Created) || tk.Updated.After(testEnd) {
			t.Errorf("%s updated at %s, created %s", tk.Number, tk.Updated, tk.Created)
		}
		if tk.Created.After(testEnd.AddDate(0, 0, -21)) && tk.Category == rising {
			count["rising-recent"]++
		} else if tk.Category == rising {
			count["rising-before"]++
		}
		count["prio"+fmt.Sprint(tk.Priority)]++
	}
	n := float64(len(ts))
	for name, got := range map[string]struct {
		v        int
		min, max float64
	}{
		"reopened": {reopened, 0.02, 0.12}, "escalated": {escalated, 0.05, 0.25}, "waited": {waited, 0.1, 0.4},
		"worked": {worked, 0.9, 1}, "commented": {commented, 0.5, 1}, "open": {open, 0.01, 0.2}, "closed": {closed, 0.7, 0.98},
	} {
		if f := float64(got.v) / n; f < got.min || f > got.max {
			t.Errorf("%s: %.3f of tickets, want %.2f-%.2f", name, f, got.min, got.max)
		}
	}
	for p := 1; p <= 5; p++ {
		if count["prio"+fmt.Sprint(p)] == 0 {
			t.Errorf("no P%d tickets", p)
		}
	}
	// The rising category: weekly volume over the last three weeks against the weeks before.
	recent := float64(count["rising-recent"]) / 3
	before := float64(count["rising-before"]) / (52 - 3)
	if recent < 2.3*before {
		t.Errorf("%s: %.1f tickets a week in the last 3 weeks, %.1f before: want about three times", rising, recent, before)
	}
	// The queue built from the store sees them all.
	q, err := queue.Build(st)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if q.Len() != len(ts) {
		t.Fatalf("queue holds %d tickets, want %d", q.Len(), len(ts))
	}
}

func TestGenerateRefusesAReplicaWithNewerChanges(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	clk := NewClock(testEnd.AddDate(-1, 0, 0))
	before, _ := st.StateHash()
	_, err := Generate(context.Background(), st, clk, Config{Tickets: 10, End: testEnd}, nil)
	if err != ErrNewerData {
		t.Fatalf("Generate = %v, want ErrNewerData", err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("a refused generation wrote something")
	}
}

func TestConfigLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative tickets", Config{Tickets: -1}, "tickets: must be from 0 to 2000000"},
		{"too many technicians", Config{Tickets: 1, Technicians: 501}, "technicians: must be from 1 to 500"},
		{"days", Config{Tickets: 1, Days: -3}, "days: must be from 1 to 3650"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Normalize(testEnd)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Normalize = %v, want %q", err, tc.want)
			}
		})
	}
}

// BenchmarkGenerate10k measures generating and durably writing 10,000 tickets with their histories.
func BenchmarkGenerate10k(b *testing.B) {
	for b.Loop() {
		_, stats := generate(b, Config{Tickets: 10_000, Technicians: 12, Seed: 1})
		b.ReportMetric(float64(stats.Changes), "changes/op")
	}
}

func TestLoadMergesIntoAReplicaInUse(t *testing.T) {
	t.Parallel()
	dst := storetest.Open(t)
	var last Progress
	cfg := Config{Tickets: 120, Technicians: 5, Seed: 3, End: testEnd}
	stats, err := Load(context.Background(), dst, t.TempDir(), cfg, func(p Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	got := allTickets(t, dst)
	if len(got) != 120 || last.Phase != "merging" || last.Done != last.Total || last.Total != stats.Changes+1 {
		t.Fatalf("%d tickets merged, last progress %+v, stats %+v", len(got), last, stats)
	}
	direct, _ := generate(t, cfg)
	if digest(t, dst, got) != digest(t, direct, allTickets(t, direct)) {
		t.Fatal("merged demo data differs from the same dataset generated directly")
	}
	if first := got[0].Created; first.After(testEnd.AddDate(0, 0, -350)) {
		t.Fatalf("first merged ticket created %s: the history lost its dates", first)
	}
}
