package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"outpost/backend/coaching"
)

// oneOnOnes are the lead's notes; {name} stands for the technician's first name.
var oneOnOnes = []string{
	"Talked through the week's queue. {name} handles password and access tickets quickly, but waits too long before asking for help on hardware faults. Agreed to escalate after 30 minutes without progress.",
	"Reviewed two tickets together. The diagnosis was right on both; the work notes were thin, so the next person could not see what had been tried. We went through what a good handover looks like.",
	"{name} asked for more on-site work. Good idea: we will pair on the next two visits. Also discussed the VPN tickets: several were closed before the user confirmed the fix.",
	"Follow-up on last month's goals. First-contact resolution is up; documentation is better but still uneven. {name} wants to write the SOP for the label printer.",
}

var coachingGoals = [][2]string{
	{"First-contact resolution", "FCR of 70% or more on tier-1 tickets"},
	{"Handover notes on every escalation", "No escalation without what was tried and the user's availability"},
	{"Own the printing SOPs", "Two SOPs reviewed and up to date"},
}

var coachingActions = []string{
	"Read the VPN troubleshooting SOP and try it on the next two tickets",
	"Shadow a senior technician on an on-site visit",
	"Write up the label printer fix as an SOP",
	"Ask the user to confirm before resolving",
}

// planCoaching writes a lead's one-on-one notes, goals and action items about two
// technicians over the last three months, each note pointing at tickets the technician
// worked on; actions are due on dates around the present (one done, one overdue).
func (p *plan) planCoaching(r *rand.Rand, cfg Config, facts []ticketFacts) []extra {
	var xs []extra
	lead := int16(len(p.techs) - 1)
	for subject := int16(0); subject < min(2, lead); subject++ {
		name := p.techs[subject].Name
		first := strings.Fields(name)[0]
		for k, daysBack := range []int{84, 56, 28, 7} {
			when := weekday(at(cfg.End.AddDate(0, 0, -daysBack), 10, 30))
			if !when.Before(cfg.End) {
				continue
			}
			// Tickets this technician had in the two weeks before the meeting.
			var refs []int32
			for i := range p.tickets {
				f := facts[i]
				if f.owner == subject && !f.assigned.IsZero() && f.assigned.Before(when) && f.assigned.After(when.AddDate(0, 0, -14)) {
					refs = append(refs, int32(i))
				}
			}
			if len(refs) > 2 {
				refs = []int32{refs[r.IntN(len(refs))], refs[r.IntN(len(refs))]}
			}
			body := strings.ReplaceAll(oneOnOnes[k%len(oneOnOnes)], "{name}", first)
			title := "One-on-one, " + when.Format("2 January")
			xs = append(xs, extra{At: when, What: "coaching note", Do: func(ctx context.Context, x *world) error {
				var ids []string
				for _, i := range refs {
					ids = append(ids, x.ticketID(i))
				}
				_, err := x.coach.AddNote(ctx, x.w.techIDs[subject], coaching.Content{Title: title, Body: body, Date: day(when), Tickets: ids}, false)
				if err == nil {
					x.stats.CoachingItems++
				}
				return err
			}})
		}
		goal := coachingGoals[(int(subject)+r.IntN(2))%len(coachingGoals)]
		goalAt := weekday(at(cfg.End.AddDate(0, 0, -84), 11, 0))
		xs = append(xs, extra{At: goalAt, What: "coaching goal", Do: func(ctx context.Context, x *world) error {
			_, err := x.coach.AddGoal(ctx, x.w.techIDs[subject], coaching.Content{Title: goal[0], Target: goal[1],
				Body: "Agreed in the one-on-one; we look at the figures each month."}, false)
			if err == nil {
				x.stats.CoachingItems++
			}
			return err
		}})
		for k, dueIn := range []int{-20, -3, 10} { // done, overdue, upcoming
			made := weekday(at(cfg.End.AddDate(0, 0, dueIn-21), 11, 15))
			title := coachingActions[(int(subject)*2+k)%len(coachingActions)]
			due := day(cfg.End.AddDate(0, 0, dueIn))
			done := k == 0
			key := fmt.Sprintf("action-%d-%d", subject, k)
			xs = append(xs, extra{At: made, What: "coaching action", Do: func(ctx context.Context, x *world) error {
				it, err := x.coach.AddAction(ctx, x.w.techIDs[subject], coaching.Content{Title: title, Due: due}, false)
				if err == nil {
					x.named[key] = it.ID
					x.stats.CoachingItems++
				}
				return err
			}})
			if done {
				xs = append(xs, extra{At: made.AddDate(0, 0, 12), What: "coaching action done", Do: func(ctx context.Context, x *world) error {
					_, err := x.coach.SetActionDone(ctx, x.named[key], true)
					return err
				}})
			}
		}
	}
	return xs
}
