package metrics

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"outpost/backend/sla"
)

// yearOfTickets generates n tickets created over 2024 with realistic timelines:
// assignment, sometimes a wait, a priority change, an escalation, a reopen; about
// 5% still open at the end of the year.
func yearOfTickets(n int) []Ticket {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cats := []string{"network", "VPN", "hardware", "email", "printing", "accounts", "servers", "phones"}
	words := []string{"VPN", "printer", "password", "laptop", "mailbox", "wifi", "monitor", "license", "teams", "drive"}
	techs := []string{"tom", "ana", "ben", "kim", "lee", "raj"}
	srcs := []string{"phone", "email", "walk-up", "on-site", "self"}
	out := make([]Ticket, n)
	for i := range out {
		created := start.Add(time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		prio := 1 + rng.IntN(5)
		tech := techs[rng.IntN(len(techs))]
		t := Ticket{ID: "t" + strconv.Itoa(i), Number: "B-" + strconv.Itoa(i), Category: cats[rng.IntN(len(cats))],
			Title: words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] + " fails", Source: srcs[rng.IntN(len(srcs))],
			Assignee: tech, Priority: prio}
		at := created
		step := func(max time.Duration) time.Time {
			at = at.Add(time.Minute + time.Duration(rng.Int64N(int64(max))))
			return at
		}
		ev := []sla.Event{{At: step(2 * time.Hour), Type: sla.EventAssignee, Value: tech}}
		if rng.IntN(4) == 0 {
			ev = append(ev, sla.Event{At: step(8 * time.Hour), Type: sla.EventStatus, Value: sla.StatusWaitingRequester},
				sla.Event{At: step(48 * time.Hour), Type: sla.EventStatus, Value: "in_progress"})
		}
		if rng.IntN(10) == 0 {
			ev = append(ev, sla.Event{At: step(4 * time.Hour), Type: sla.EventPriority, Value: strconv.Itoa(1 + rng.IntN(5))})
		}
		if rng.IntN(12) == 0 {
			ev = append(ev, sla.Event{At: step(4 * time.Hour), Type: sla.EventEscalation, Value: "2"},
				sla.Event{At: at, Type: sla.EventAssignee, Value: techs[rng.IntN(len(techs))]})
		}
		if rng.IntN(20) != 0 {
			ev = append(ev, sla.Event{At: step(72 * time.Hour), Type: sla.EventStatus, Value: sla.StatusResolved})
			if rng.IntN(15) == 0 {
				ev = append(ev, sla.Event{At: step(96 * time.Hour), Type: sla.EventStatus, Value: sla.StatusReopened},
					sla.Event{At: step(24 * time.Hour), Type: sla.EventStatus, Value: sla.StatusResolved})
			}
		}
		t.Timeline = sla.Timeline{Created: created, Priority: prio, Events: ev}
		t.WorkLogs = []WorkLog{{By: tech, At: at, Minutes: 5 + rng.IntN(90)}}
		out[i] = t
	}
	return out
}

// BenchmarkSLAAndReports100k is the lead's screen over a year of 100,000 tickets:
// the SLA state of every open ticket and the full report set for the year.
func BenchmarkSLAAndReports100k(b *testing.B) {
	tickets := yearOfTickets(100_000)
	s := sla.DefaultSettings()
	s.Calendar.Zone = "Europe/Berlin"
	s.Calendar.Holidays = []string{"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-01", "2024-12-25", "2024-12-26"}
	e, err := sla.NewEngine(s)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)
	year := Filter{Period: Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, Granularity: "week"}
	// Which tickets are open is the queue index's knowledge (kept current on every commit), not part of this figure.
	var openOnes []sla.Timeline
	for i := range tickets {
		if e.Measure(tickets[i].Timeline, now).Open {
			openOnes = append(openOnes, tickets[i].Timeline)
		}
	}
	b.ReportMetric(float64(len(openOnes)), "open")
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		open := 0
		for _, tl := range openOnes {
			if r := e.Evaluate(tl, now); r.Open {
				open++
			}
		}
		r := Compute(tickets, e, year, now)
		if open == 0 || r.Volume.Created != 100_000 {
			b.Fatalf("open %d, created %d", open, r.Volume.Created)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
