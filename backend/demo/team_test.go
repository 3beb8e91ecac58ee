package demo

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/coaching"
	"outpost/backend/sla"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

// TestDatasetLooksLikeAWorkingTeam checks what a lead opening the demo notices first: the
// team is on top of its urgent work, nobody carries more open tickets than the team's
// limit, no text shows a formatting placeholder and no description repeats itself.
func TestDatasetLooksLikeAWorkingTeam(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{Tickets: 300, Technicians: 8, Seed: 1},
		{Tickets: 1500, Technicians: 8, Seed: 1},
		{Tickets: 1500, Technicians: 8, Seed: 2},
		{Tickets: 5000, Technicians: 8, Seed: 1},
	} {
		t.Run(fmt.Sprintf("%d-tickets-seed-%d", cfg.Tickets, cfg.Seed), func(t *testing.T) {
			t.Parallel()
			st, _, people := generateAsLead(t, cfg)
			ts := allTickets(t, st)
			engine, err := sla.NewEngine(sla.DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			// How far an open ticket may be past its resolution target, by priority, as the queue
			// shows it ("fix overdue 3d": time on the SLA clock past the target).
			grace := map[int]time.Duration{1: 24 * time.Hour, 2: 3 * 24 * time.Hour, 3: 30 * 24 * time.Hour}
			load := map[string]int{}
			for _, tk := range ts {
				if !tk.Status.Open() {
					continue
				}
				load[tk.Assignee]++
				res := engine.Evaluate(tk.Timeline(), testEnd).Resolution
				if g, ok := grace[tk.Priority]; ok && res.State == sla.Breached && -res.Left() > g {
					t.Errorf("%s (P%d, %s): fix overdue %s", tk.Number, tk.Priority, tk.Status, sla.Short(-res.Left()))
				}
			}
			techs := technician.NewService(st, nil)
			set, err := techs.AssignSettings()
			if err != nil {
				t.Fatal(err)
			}
			list, err := techs.List(true)
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range list {
				if load[tc.ID] > set.MaxOpen {
					t.Errorf("%s (tier %d) has %d open tickets, the limit is %d", tc.Name, tc.Tier, load[tc.ID], set.MaxOpen)
				}
			}
			if load[""] > 0 && load[""] > len(ts)/100+5 {
				t.Errorf("%d open tickets are unassigned", load[""])
			}

			var texts []string
			for _, tk := range ts {
				said := map[string]bool{}
				for _, sentence := range strings.SplitAfter(strings.Split(tk.Description, "\n")[0], ". ") {
					if s := strings.TrimSpace(sentence); said[s] {
						t.Errorf("%s says %q twice: %q", tk.Number, s, tk.Description)
					} else {
						said[s] = true
					}
				}
				b, _ := json.Marshal(tk)
				texts = append(texts, string(b))
				hist, err := ticket.NewService(st, nil).History(tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				b, _ = json.Marshal(hist)
				texts = append(texts, string(b))
			}
			coach := coaching.NewService(st, people, func() time.Time { return testEnd })
			for _, tc := range list {
				v, err := coach.Notes(tc.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range slices.Concat(v.Notes, v.Goals, v.Actions) {
					texts = append(texts, it.Title+"\n"+it.Body+"\n"+it.Target)
				}
			}
			for _, s := range texts {
				for _, bad := range []string{"%s", "%d", "%v", "%!"} {
					if i := strings.Index(s, bad); i >= 0 {
						t.Errorf("text shows %q: …%s…", bad, s[max(0, i-60):min(len(s), i+20)])
						break
					}
				}
			}
		})
	}
}
