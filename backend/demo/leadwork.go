package demo

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"outpost/backend/directory"
	"outpost/backend/escalation"
	"outpost/backend/onboarding"
	"outpost/backend/problem"
)

// leadStep is shorthand for an extra.
func leadStep(when time.Time, what string, do func(ctx context.Context, x *world) error) extra {
	return extra{At: when, What: what, Do: do}
}

// pickTickets returns up to n of the planned tickets of category created in [from, to)
// whose title contains term (any title when term is ""), in creation order.
func (p *plan) pickTickets(category, term string, from, to time.Time, n int) []int32 {
	var out []int32
	for i := range p.tickets {
		if len(out) == n {
			break
		}
		if p.tickets[i].Category == category && !p.created[i].Before(from) && p.created[i].Before(to) &&
			strings.Contains(p.tickets[i].Title, term) {
			out = append(out, int32(i))
		}
	}
	return out
}

func (x *world) ticketIDs(is []int32) []string {
	out := make([]string, len(is))
	for k, i := range is {
		out[k] = x.ticketID(i)
	}
	return out
}

// planProblems opens three problem records: a printing problem found, fixed and closed
// half a year ago; a known error in sign-ins with a workaround; and the rising VPN trend
// opened a few days ago and under investigation.
func (p *plan) planProblems(r *rand.Rand, cfg Config, _ []ticketFacts) []extra {
	var xs []extra
	end := cfg.End
	type phase struct {
		days int
		do   func(ctx context.Context, x *world, id string) error
	}
	add := func(key string, opened time.Time, in problem.NewProblem, tickets []int32, phases []phase) {
		if len(tickets) == 0 || !opened.Before(end) {
			return
		}
		xs = append(xs, leadStep(opened, "problem", func(ctx context.Context, x *world) error {
			in.Tickets = x.ticketIDs(tickets)
			in.Owner = x.lead
			pr, err := x.problems.Open(ctx, x.lead, in)
			if err == nil {
				x.named[key] = pr.ID
				x.stats.Problems++
			}
			return err
		}))
		prev := opened
		for _, ph := range phases {
			when := weekday(opened.AddDate(0, 0, ph.days).Add(time.Duration(r.IntN(90)) * time.Minute))
			if !when.After(prev) {
				when = prev.Add(5 * time.Minute) // the phases keep their order
			}
			prev = when
			if !when.Before(end) {
				return
			}
			xs = append(xs, leadStep(when, "problem work", func(ctx context.Context, x *world) error {
				return ph.do(ctx, x, x.named[key])
			}))
		}
	}
	status := func(to problem.Status) func(ctx context.Context, x *world, id string) error {
		return func(ctx context.Context, x *world, id string) error {
			_, err := x.problems.SetStatus(ctx, x.lead, id, to)
			return err
		}
	}
	note := func(body string) func(ctx context.Context, x *world, id string) error {
		return func(ctx context.Context, x *world, id string) error {
			_, err := x.problems.AddNote(ctx, x.lead, id, body)
			return err
		}
	}
	patch := func(pt problem.Patch) func(ctx context.Context, x *world, id string) error {
		return func(ctx context.Context, x *world, id string) error {
			_, err := x.problems.Update(ctx, x.lead, id, pt)
			return err
		}
	}
	str := func(s string) *string { return &s }

	printOpened := weekday(at(end.AddDate(0, 0, -190), 10, 0))
	fixedAt := weekday(at(printOpened.AddDate(0, 0, 21), 15, 0))
	add("problem-printing", printOpened, problem.NewProblem{
		Title:       "Printers jam and print blank pages across the offices",
		Description: "Jams and blank pages on several printers in the same weeks, after the toner supplier changed.",
		Category:    "printing", Lens: problem.LensVendor,
	}, p.pickTickets("printing", "", end.AddDate(0, 0, -235), printOpened, 12), []phase{
		{1, status(problem.StatusInvestigating)},
		{2, note("Every affected printer uses the new supplier's toner; the drum units wear out in weeks.")},
		{3, patch(problem.Patch{Workaround: str("Swap in an original-brand toner cartridge from stock and clean the drum.")})},
		{21, patch(problem.Patch{Fix: str("Went back to original-brand toner and replaced the worn drum units."), FixedAt: &fixedAt})},
		{21, status(problem.StatusResolved)},
		{60, status(problem.StatusClosed)},
	})

	mfaOpened := weekday(at(end.AddDate(0, 0, -45), 9, 30))
	add("problem-mfa", mfaOpened, problem.NewProblem{
		Title:       "MFA prompts loop after a phone is replaced",
		Description: "Users who replace their phone cannot finish the MFA prompt until the old registration is removed.",
		Category:    "accounts", Lens: problem.LensTraining,
	}, p.pickTickets("accounts", "MFA", end.AddDate(0, 0, -120), mfaOpened, 10), []phase{
		{1, status(problem.StatusInvestigating)},
		{4, patch(problem.Patch{Workaround: str("Remove the old phone's registration, then re-enrol MFA with the user on the phone.")})},
		{4, status(problem.StatusKnownError)},
	})

	vpnOpened := weekday(at(end.AddDate(0, 0, -4), 9, 15))
	add("problem-vpn", vpnOpened, problem.NewProblem{
		Description: "VPN tickets have tripled over the last three weeks.",
		Category:    rising, Origin: problem.OriginTrend, Lens: problem.LensSystem,
	}, p.pickTickets(rising, "", end.AddDate(0, 0, -21), vpnOpened, 40), []phase{
		{0, status(problem.StatusInvestigating)},
		{1, note("Most drops happen about an hour after connecting: matches the IKE rekey interval set in the last firewall update.")},
		{1, patch(problem.Patch{Workaround: str("Reconnect from the tray icon; the session comes back in seconds.")})},
	})
	return xs
}

// planVendors writes the vendor directory (vendors, their support agreements, one
// expiring soon and one expired) and vendor cases with their follow-ups, one due today
// and one overdue.
func (p *plan) planVendors(r *rand.Rand, cfg Config, facts []ticketFacts) []extra {
	end := cfg.End
	setup := cfg.Begin().Add(2 * time.Hour)
	var xs []extra
	vendors := []struct {
		key string
		in  directory.ContactInput
		ag  directory.AgreementInput
	}{
		{"acme", directory.ContactInput{Name: "Acme Networks", Type: directory.ContactVendor, Organisation: "Acme Networks Ltd",
			Email: "support@acme.example", Phone: "+44 113 496 0101", Hours: "Mon-Fri 08:00-18:00", Preferred: "phone"},
			directory.AgreementInput{Contract: "ACME-2291", Coverage: "Mon-Fri 08:00-18:00", ResponseTerms: "4 h response, next-business-day parts", Expires: day(end.AddDate(0, 0, 40))}},
		{"northwind", directory.ContactInput{Name: "Northwind Hardware", Type: directory.ContactVendor, Organisation: "Northwind Hardware plc",
			Email: "rma@northwind.example", Phone: "+44 117 496 0202", Hours: "Mon-Fri 09:00-17:30", Preferred: "portal", Notes: "RMA portal needs the serial number and photos."},
			directory.AgreementInput{Contract: "NW-ENT-7731", Coverage: "24x7 phone, parts next business day", ResponseTerms: "next-business-day on-site", Expires: day(end.AddDate(0, 0, 300))}},
		{"printco", directory.ContactInput{Name: "PrintCo Services", Type: directory.ContactVendor, Email: "service@printco.example",
			Phone: "+44 113 496 0303", Hours: "Mon-Fri 08:30-17:00", Preferred: "email"},
			directory.AgreementInput{Contract: "PC-2024-118", Coverage: "Mon-Fri 08:30-17:00", ResponseTerms: "engineer within 2 working days", Expires: day(end.AddDate(0, 0, -10)), Notes: "Renewal quote requested."}},
	}
	for k, v := range vendors {
		xs = append(xs, leadStep(setup.Add(time.Duration(k)*time.Minute), "vendor", func(ctx context.Context, x *world) error {
			c, err := x.dir.SaveContact(ctx, x.lead, "", v.in)
			if err != nil {
				return err
			}
			x.named[v.key] = c.ID
			v.ag.Vendor = c.ID
			_, err = x.dir.SaveAgreement(ctx, x.lead, "", v.ag)
			return err
		}))
	}
	xs = append(xs, leadStep(setup.Add(5*time.Minute), "contact", func(ctx context.Context, x *world) error {
		_, err := x.dir.SaveContact(ctx, x.lead, "", directory.ContactInput{Name: "Facilities desk", Type: directory.ContactTeam,
			Phone: "+44 113 496 0400", Email: "facilities@example.com", Hours: "Mon-Fri 07:00-19:00", Preferred: "phone",
			Notes: "Badges, car park and server-room access."})
		return err
	}))

	type followUp struct {
		days   int
		note   string
		next   int // days after the case opened; -1: none
		status directory.CaseStatus
	}
	caseOf := func(key, vendor string, opened time.Time, in directory.CaseInput, tickets []int32, fus []followUp) {
		if len(tickets) == 0 || !opened.Before(end) {
			return
		}
		author := p.techs[max(facts[tickets[0]].owner, 0)].Name
		xs = append(xs, leadStep(opened, "vendor case", func(ctx context.Context, x *world) error {
			in.Vendor = x.named[vendor]
			in.Tickets = x.ticketIDs(tickets)
			c, err := x.dir.SaveCase(ctx, author, "", in)
			if err == nil {
				x.named[key] = c.ID
				x.stats.VendorCases++
			}
			return err
		}))
		for _, fu := range fus {
			when := weekday(at(opened.AddDate(0, 0, fu.days), 9+r.IntN(7), r.IntN(60)))
			if !when.Before(end) {
				return
			}
			next := ""
			if fu.next >= 0 {
				next = day(weekday(opened.AddDate(0, 0, fu.next)))
			}
			xs = append(xs, leadStep(when, "vendor follow-up", func(ctx context.Context, x *world) error {
				_, err := x.dir.LogFollowUp(ctx, author, x.named[key], directory.FollowUpInput{Note: fu.note, Next: next, Status: fu.status})
				return err
			}))
		}
	}
	// A laptop RMA whose replacement is on its way: the next follow-up falls on the last day.
	rmaOpened := weekday(at(end.AddDate(0, 0, -16), 11, 0))
	rmaDays := int(at(end, 0, 0).Sub(at(rmaOpened, 0, 0)).Hours() / 24)
	caseOf("case-rma", "northwind", rmaOpened, directory.CaseInput{CaseNumber: "RMA-" + strconv.Itoa(40000+r.IntN(9999)), Type: directory.CaseRMA,
		Title: "Laptop fails memory test", NextFollowUp: day(weekday(rmaOpened.AddDate(0, 0, 2)))},
		p.pickTickets("hardware", "", end.AddDate(0, 0, -40), rmaOpened, 1), []followUp{
			{2, "Vendor asked for the serial number and photos of the label.", 4, directory.CaseWaitingUs},
			{3, "Sent the serial number and photos through the RMA portal.", 8, directory.CaseWaitingVendor},
			{8, "Replacement approved and shipped; courier tracking added to the ticket.", rmaDays, directory.CaseShipped},
		})
	// A VPN support case the vendor has not answered: its follow-up date has passed.
	vpnOpened := weekday(at(end.AddDate(0, 0, -6), 14, 0))
	caseOf("case-vpn", "acme", vpnOpened, directory.CaseInput{CaseNumber: "ACM-" + strconv.Itoa(100000+r.IntN(99999)), Type: directory.CaseSupport,
		Title: "VPN tunnels drop at rekey", NextFollowUp: day(weekday(vpnOpened.AddDate(0, 0, 2)))},
		p.pickTickets(rising, "", end.AddDate(0, 0, -21), vpnOpened, 3), []followUp{
			{1, "Sent the firewall logs from three affected users; vendor engineer assigned.", 3, directory.CaseWaitingVendor},
		})
	// A printer warranty case from the printing problem, long resolved.
	printOpened := weekday(at(end.AddDate(0, 0, -185), 10, 0))
	caseOf("case-printer", "printco", printOpened, directory.CaseInput{CaseNumber: "W-" + strconv.Itoa(5000+r.IntN(999)), Type: directory.CaseWarranty,
		Title: "Third-floor printer drum worn after 4 months", NextFollowUp: day(weekday(printOpened.AddDate(0, 0, 3)))},
		p.pickTickets("printing", "", end.AddDate(0, 0, -235), printOpened, 2), []followUp{
			{3, "Engineer visit booked.", 7, directory.CaseWaitingVendor},
			{7, "Engineer replaced the drum and fuser under warranty.", -1, directory.CaseResolved},
			{20, "No further jams reported; closing.", -1, directory.CaseClosed},
		})
	return xs
}

// planOnboarding starts the onboarding of a new technician who joined ten days ago,
// with the first sections ticked, and of a coordinator who starts next week.
func (p *plan) planOnboarding(r *rand.Rand, cfg Config) []extra {
	end := cfg.End
	used := map[string]bool{}
	for _, t := range p.techs {
		used[t.Name] = true
	}
	newName := func() string {
		for {
			n := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	var xs []extra
	started := weekday(at(end.AddDate(0, 0, -10), 8, 30))
	newTech := newName()
	ticks := []struct {
		days int
		item string
	}{
		{0, "account"}, {0, "outpost"}, {0, "remote-tool"}, {1, "vpn"}, {1, "train-queue"}, {2, "train-security"},
		{3, "doc-sops"}, {4, "shadow-phone"}, {6, "train-escalation"}, {7, "doc-sites"},
	}
	if started.Before(end) {
		xs = append(xs, leadStep(started.Add(-72*time.Hour), "onboarding", func(ctx context.Context, x *world) error {
			c, err := x.onboard.Start(ctx, x.lead, onboarding.StartInput{Name: newTech, Role: "technician", Start: day(started)})
			if err == nil {
				x.named["onboarding-tech"] = c.ID
				x.stats.Onboarding++
			}
			return err
		}))
		for _, t := range ticks {
			when := started.AddDate(0, 0, t.days).Add(time.Duration(r.IntN(8*60)) * time.Minute)
			if !when.Before(end) {
				continue
			}
			xs = append(xs, leadStep(when, "onboarding tick", func(ctx context.Context, x *world) error {
				_, err := x.onboard.Tick(ctx, x.lead, x.named["onboarding-tech"], t.item, true, "")
				return err
			}))
		}
	}
	coordinator := newName()
	xs = append(xs, leadStep(end.Add(-26*time.Hour), "onboarding", func(ctx context.Context, x *world) error {
		_, err := x.onboard.Start(ctx, x.lead, onboarding.StartInput{Name: coordinator, Role: "coordinator", Start: day(weekday(end.AddDate(0, 0, 7)))})
		if err == nil {
			x.stats.Onboarding++
		}
		return err
	}))
	return xs
}

// planPaths sets up escalation paths for the categories that most often leave tier 1
// (network, VPN, security), a week into the year: tier 2 and tier 3 technicians by
// tier and skill, an outside contact, and the checklist every escalation must confirm.
func (p *plan) planPaths(cfg Config) []extra {
	type spec struct {
		category, skill, external string
		checklist                 []string
	}
	specs := []spec{
		{"network", "networking", "ISP support line", []string{"Traceroute attached", "Affected sites listed"}},
		{"vpn", "networking", "Acme VPN vendor support", []string{"Client log attached", "Client version noted"}},
		{"security", "security", "Managed security provider", []string{"Affected accounts listed", "Password reset done"}},
	}
	return []extra{leadStep(weekday(at(cfg.Begin().AddDate(0, 0, 7), 10, 0)), "escalation paths", func(ctx context.Context, x *world) error {
		for _, s := range specs {
			pick := func(tier int) []string {
				var ids []string
				for i, m := range p.techs {
					if m.Tier == tier && slices.Contains(m.Skills, s.skill) {
						ids = append(ids, x.w.techIDs[i])
					}
				}
				return ids
			}
			in := escalation.Input{Category: s.category,
				Tier2:    escalation.Target{Technicians: pick(2)},
				Tier3:    escalation.Target{Technicians: pick(3), Contact: "Infrastructure team"},
				External: escalation.Target{Contact: s.external},
				Rules:    escalation.Rules{SLARiskAtLeast: 0.75, PriorityAtMost: 2, HoursInTierOver: 8}}
			for _, c := range s.checklist {
				in.Checklist = append(in.Checklist, escalation.Item{Text: c, Required: true})
			}
			if _, err := x.paths.Save(ctx, x.lead, in); err != nil {
				return err
			}
		}
		return nil
	})}
}
