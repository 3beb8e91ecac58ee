package csvio

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store/storetest"
	"outpost/backend/metrics"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// yearTicket is one ticket of the fixture year, as the test writes it and counts it.
type yearTicket struct {
	created, resolved, updated time.Time
	status                     string
}

// yearFixture is a year (2024) of exported tickets: open, resolved, closed and reopened
// ones, with the old system's dates.
func yearFixture(n int) (string, []yearTicket) {
	rng := rand.New(rand.NewPCG(7, 13))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("ID;Title;Status;Opening date;Resolution date;Closing date;Last update;Priority;Category\n")
	var out []yearTicket
	for i := range n {
		y := yearTicket{created: start.Add(time.Duration(rng.IntN(365*24*60)) * time.Minute)}
		y.status = []string{"Processing (assigned)", "Solved", "Closed", "Closed", "Reopened", "New"}[rng.IntN(6)]
		res, closed := "", ""
		y.updated = y.created.Add(time.Duration(rng.IntN(72*60)+1) * time.Minute)
		if y.status != "New" && y.status != "Processing (assigned)" {
			y.resolved = y.created.Add(time.Duration(rng.IntN(20*24*60)+30) * time.Minute)
			res = y.resolved.Format("2006-01-02 15:04")
			y.updated = y.resolved.Add(time.Duration(rng.IntN(30*24*60)+1) * time.Minute) // a reopen: within 14 days or not
			if y.status == "Closed" {
				closed = y.updated.Format("2006-01-02 15:04")
			}
		}
		fmt.Fprintf(&b, "%d;Ticket %d;%s;%s;%s;%s;%s;%s;Network\n", 500+i, i, y.status, y.created.Format("2006-01-02 15:04"),
			res, closed, y.updated.Format("2006-01-02 15:04"), []string{"High", "Medium", "Low"}[i%3])
		out = append(out, y)
	}
	return b.String(), out
}

func TestReportsOverAnImportedYearCountTheOldSystemsDates(t *testing.T) {
	t.Parallel()
	file, want := yearFixture(600)
	st := storetest.Open(t)
	svc := ticket.NewService(st, nil)
	if res, err := importString(st, svc, file, Options{System: "glpi"}, false); err != nil || res.Imported != 600 {
		t.Fatalf("import = %+v, %v", res, err)
	}
	var facts []metrics.Ticket
	err := st.Scan(ticket.Kind, func(r change.Record) error {
		tk := ticket.FromRecord(r)
		facts = append(facts, metrics.Ticket{ID: tk.ID, Number: tk.Number, Category: tk.Category, Priority: tk.Priority, Timeline: tk.Timeline()})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := sla.NewEngine(sla.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := metrics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: end}
	got := metrics.Compute(facts, e, metrics.Filter{Period: p}, end.Add(30*24*time.Hour))

	// The same figures, straight from the fixture.
	created, resolved := map[string]int{}, map[string]int{}
	var hours []float64
	resolvedN, reopenedN := 0, 0
	var age [5]int
	for _, y := range want {
		created[y.created.Format("2006-01")]++
		reopened := y.status == "Reopened"
		if !y.resolved.IsZero() && p.Has(y.resolved) {
			resolvedN++
			if reopened && y.updated.Sub(y.resolved) <= 14*24*time.Hour && p.Has(y.updated) {
				reopenedN++
			}
		}
		finished := !y.resolved.IsZero() && y.resolved.Before(end) && !(reopened && y.updated.Before(end))
		if finished && p.Has(y.resolved) {
			resolved[y.resolved.Format("2006-01")]++
			hours = append(hours, y.resolved.Sub(y.created).Hours())
		}
		if !finished {
			switch d := int(end.Sub(y.created) / (24 * time.Hour)); {
			case d < 1:
				age[0]++
			case d <= 5:
				age[1]++
			case d <= 10:
				age[2]++
			case d <= 30:
				age[3]++
			default:
				age[4]++
			}
		}
	}
	gotCreated, gotResolved := map[string]int{}, map[string]int{}
	for _, c := range got.Volume.Series {
		gotCreated[c.Key[:7]] += c.Created
		gotResolved[c.Key[:7]] += c.Resolved
	}
	for m := 1; m <= 12; m++ {
		k := fmt.Sprintf("2024-%02d", m)
		if gotCreated[k] != created[k] || gotResolved[k] != resolved[k] {
			t.Errorf("%s: created %d resolved %d; the fixture says %d and %d", k, gotCreated[k], gotResolved[k], created[k], resolved[k])
		}
	}
	mean := 0.0
	for _, h := range hours {
		mean += h
	}
	mean /= float64(len(hours))
	if m := got.MTTR.CalendarHours; m.Count != len(hours) || math.Abs(m.Mean-mean) > 0.01 {
		t.Errorf("time to resolve: %d tickets, mean %.2f h; the fixture says %d, %.2f h", m.Count, m.Mean, len(hours), mean)
	}
	if r := got.Reopen.Ratio; r.Part != reopenedN || r.Whole != resolvedN {
		t.Errorf("reopen rate %d/%d; the fixture says %d/%d", r.Part, r.Whole, reopenedN, resolvedN)
	}
	for i, b := range got.Backlog.ByAge {
		if b.Count != age[i] {
			t.Errorf("backlog %s: %d; the fixture says %d", b.Label, b.Count, age[i])
		}
	}
	// Resolved and closed imported tickets carry no SLA result the old system did not record.
	measured := 0
	for _, f := range facts {
		if f.Timeline.Outcome == "" {
			continue
		}
		measured++
		if r := e.Measure(f.Timeline, end.AddDate(1, 0, 0)); r.Resolution.State != sla.NotMeasured || r.Response.State != sla.NotMeasured {
			t.Fatalf("imported closed ticket %s measured %s / %s", f.Number, r.Response.State, r.Resolution.State)
		}
	}
	if measured == 0 {
		t.Fatal("no imported ticket was finished")
	}
}
