package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"outpost/backend/ticket"
	"outpost/backend/visit"
)

var visitChecklists = map[string][]string{
	"hardware": {"Bring a spare power adapter", "Run the vendor diagnostics", "Swap the unit if it fails", "Update the asset register"},
	"printing": {"Bring a drum unit and rollers", "Clear the jam and clean the feed", "Print a test page", "Show the team how to clear a jam"},
	"network":  {"Check the cabling and the switch port", "Test the uplink", "Label the patch panel"},
	"":         {"Confirm the problem with the user", "Fix or replace", "Test with the user", "Note the result on the ticket"},
}

var visitOutcomes = []string{
	"Fixed on site and tested with the user.",
	"Replaced the faulty part; the old one goes back to the vendor.",
	"Cleaned and reseated everything; working again. Will check back next week.",
	"Could not fix on site: took the device back to the office for repair.",
}

var addresses = map[string]string{
	"Head office":    "1 Market Street, Leeds LS1 6DT",
	"Leeds office":   "14 Park Row, Leeds LS1 5JF",
	"Warehouse":      "Unit 7, Stourton Industrial Estate, Leeds LS10 1RZ",
	"Bristol branch": "22 Queen Square, Bristol BS1 4ND",
	"Remote":         "",
}

// onSite is whether technician i works on site (see createTechnicians).
func onSite(i int16) bool { return i%3 == 0 }

// planVisits schedules on-site visits for hardware, printing and network tickets and
// tickets logged on site: a visit the working day after assignment, its checklist ticked
// and its outcome written when it ends, and a few visits in the days after the period
// for the open tickets, so the day and week views have a future.
func (p *plan) planVisits(r *rand.Rand, cfg Config, facts []ticketFacts) []extra {
	var onSiteTechs []int16
	for i := range p.techs {
		if onSite(int16(i)) {
			onSiteTechs = append(onSiteTechs, int16(i))
		}
	}
	candidates := p.ticketsWhere(func(i int) bool {
		c := p.tickets[i].Category
		return !facts[i].assigned.IsZero() && p.tickets[i].Requester.Site != "Remote" &&
			(c == "hardware" || c == "printing" || c == "network" || p.tickets[i].Source == ticket.SourceOnSite)
	})
	want := min(max(6, len(p.tickets)/30), 400)
	share := float64(want) / float64(max(len(candidates), 1))
	var xs []extra
	for _, i := range candidates {
		f := facts[i]
		upcoming := f.assigned.After(cfg.End.AddDate(0, 0, -4)) && !f.closed
		if !upcoming && r.Float64() >= share {
			continue
		}
		tech := f.owner
		if !onSite(tech) || r.IntN(4) == 0 {
			tech = onSiteTechs[r.IntN(len(onSiteTechs))]
		}
		start := weekday(at(f.assigned.AddDate(0, 0, 1), []int{9, 10, 13, 14, 16}[r.IntN(5)], 0))
		if r.IntN(25) == 0 {
			start = at(start, 17, 30) // runs past the end of the working day: flagged
		}
		end := start.Add(time.Duration(60+30*r.IntN(3)) * time.Minute)
		created := f.assigned.Add(time.Duration(20+r.IntN(60)) * time.Minute)
		if !created.Before(cfg.End) {
			continue
		}
		items := visitChecklists[p.tickets[i].Category]
		if items == nil {
			items = visitChecklists[""]
		}
		items = items[:2+r.IntN(len(items)-1)]
		site := p.tickets[i].Requester.Site
		key := fmt.Sprintf("visit-%d", i)
		xs = append(xs, extra{At: created, What: "visit", Do: func(ctx context.Context, x *world) error {
			v, err := x.visits.Create(ctx, x.p.techs[f.owner].Name, visit.NewVisit{
				TicketID: x.ticketID(i), Technician: x.w.techIDs[tech], Site: site, Address: addresses[site],
				Start: start.Format(time.RFC3339), End: end.Format(time.RFC3339), Checklist: items,
			})
			if err != nil {
				return err
			}
			x.named[key] = v.ID
			for _, it := range v.Checklist {
				x.visitItems[v.ID] = append(x.visitItems[v.ID], it.ID)
			}
			x.stats.Visits++
			return nil
		}})
		if !end.Before(cfg.End) {
			continue
		}
		ticks := len(items)
		if r.IntN(6) == 0 {
			ticks-- // one item left undone
		}
		outcome := pick(r, visitOutcomes)
		xs = append(xs, extra{At: end.Add(-5 * time.Minute), What: "visit ticks", Do: func(ctx context.Context, x *world) error {
			id, by := x.named[key], x.p.techs[tech].Name
			for _, item := range x.visitItems[id][:ticks] {
				if _, err := x.visits.CheckItem(ctx, by, id, item, true); err != nil {
					return err
				}
			}
			_, err := x.visits.Outcome(ctx, by, id, outcome, true)
			return err
		}})
	}
	return xs
}
