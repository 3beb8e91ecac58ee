package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/schedule"
	"outpost/backend/sop"
	"outpost/backend/technician"
)

// createTechnicians writes the team's profiles, each as its own action by the lead,
// and returns their IDs in plan order.
func createTechnicians(ctx context.Context, st *store.Store, clk *Clock, techs []member, at time.Time) ([]string, error) {
	svc := technician.NewService(st, nil)
	lead := techs[len(techs)-1].Name
	ids := make([]string, len(techs))
	for i, t := range techs {
		clk.Set(at.Add(time.Duration(i) * time.Second))
		skills := map[string]int{}
		for k, s := range t.Skills {
			skills[s] = 2 + (i+k)%4
		}
		role := technician.RoleTechnician
		if t.Lead {
			role = technician.RoleLead
		}
		tk, err := svc.Create(ctx, lead, technician.Profile{
			Name: t.Name, Email: strings.ToLower(strings.ReplaceAll(t.Name, " ", ".")) + "@example.com",
			Role: role, Tier: t.Tier, Skills: skills, OnSite: i%3 == 0,
			Hours: schedule.WeekdayHours("UTC", "08:00", "18:00"),
		})
		if err != nil {
			return nil, fmt.Errorf("technician %s: %w", t.Name, err)
		}
		ids[i] = tk.ID
	}
	return ids, nil
}

// createSOPs writes n knowledge-base articles drawn from the categories' fixes, owned
// by technicians with the matching skill, and revises about a third of them.
func createSOPs(ctx context.Context, st *store.Store, clk *Clock, r *rand.Rand, techs []member, n int, at time.Time, end time.Time) (int, error) {
	svc := sop.NewService(st, clk.Now)
	revisions := 0
	for i := range n {
		c := &categories[i%len(categories)]
		owner := techs[r.IntN(len(techs))].Name
		fix := pick(r, c.fixes)
		thing := pick(r, c.things)
		title := fmt.Sprintf("%s: %s (%s)", strings.ToUpper(c.name[:1])+c.name[1:], strings.TrimSuffix(fix, "."), thing)
		if len(title) > 200 {
			title = title[:200]
		}
		body := fmt.Sprintf("## When to use\n\n%s %s\n\n## Steps\n\n1. Confirm the user and the device (%s).\n2. %s\n3. %s\n4. Test with the user and note the result on the ticket.\n\n## If it does not work\n\nEscalate with a handover: %s\n",
			pick(r, c.details), pick(r, c.details), thing, fix, pick(r, c.fixes), pick(r, handovers))
		review := end.AddDate(0, 0, -30+r.IntN(240)).Format(sop.DateLayout) // some already past review
		clk.Set(at.Add(time.Duration(i) * time.Millisecond))
		s, err := svc.Create(ctx, owner, sop.NewSOP{Title: title, Body: body, Category: c.name, Tags: []string{c.skill}, Owner: owner, ReviewBy: review})
		if err != nil {
			return revisions, fmt.Errorf("SOP %d: %w", i+1, err)
		}
		if r.IntN(3) == 0 && len(s.Heads) > 0 {
			editor := techs[r.IntN(len(techs))].Name
			body += "\n## Note\n\n" + pick(r, progressComments) + "\n"
			if _, err := svc.Save(ctx, editor, s.ID, title, body, []string{s.Heads[0].ID}, "Added a note from a recent ticket"); err != nil {
				return revisions, fmt.Errorf("SOP %d revision: %w", i+1, err)
			}
			revisions++
		}
	}
	return revisions, nil
}

// LeadName is the name of the generated team's lead for cfg (after Normalize): the
// person a device without one can become to read the demo's coaching notes.
func LeadName(cfg Config) string {
	techs := makeTechnicians(planRand(cfg), cfg.Technicians)
	return techs[len(techs)-1].Name
}

// planRand is the random stream the plan draws the team and the tickets from.
func planRand(cfg Config) *rand.Rand {
	return rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
}
