package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"outpost/backend/ticket"
)

// member is a generated member of the team.
type member struct {
	Name   string
	Tier   int
	Skills []string
	Lead   bool
}

// step is one kind of action in a ticket's life.
type step uint8

const (
	stepCreate step = iota
	stepAssign
	stepStatus
	stepComment
	stepWork
	stepEscalate
)

// event is one planned action: who does what to which ticket, and when.
type event struct {
	At     time.Time
	Ticket int32 // index into plan.tickets
	Seq    int32 // order of the action within its ticket
	Step   step
	By     int16 // technician index
	To     int16 // assignee (assign, escalate)
	Status ticket.Status
	Text   string
	Extra  string // escalation handover
	N      int    // minutes of work, or the tier escalated to
}

// plan is the whole dataset before anything is written: deterministic in the config.
type plan struct {
	techs   []member
	load    *workload
	tickets []ticket.NewTicket
	created []time.Time
	events  []event // sorted by time
}

// newPlan draws the dataset for cfg: tickets spread over the days before end with
// weekly, daily and seasonal rhythms, one rising category, and a life for each ticket,
// each taken by someone holding fewer than maxOpen open tickets where the team has room.
func newPlan(cfg Config, end time.Time, maxOpen int) *plan {
	r := planRand(cfg)
	p := &plan{techs: makeTechnicians(r, cfg.Technicians)}
	p.load = newWorkload(len(p.techs), maxOpen)
	start := end.AddDate(0, 0, -cfg.Days)
	people := makePeople(r, max(20, cfg.Tickets/25))
	arrivals := drawArrivals(r, cfg, start, end) // sorted, so ticket numbers rise with time
	p.created = make([]time.Time, len(arrivals))
	p.tickets = make([]ticket.NewTicket, len(arrivals))
	for i, a := range arrivals {
		c := &categories[a.cat]
		p.created[i] = a.at
		p.tickets[i] = newTicket(r, c, people)
		if i%64 == 0 {
			p.load.forget(a.at)
		}
		evs := p.life(r, int32(i), c, a.at, end)
		p.load.add(evs)
		p.events = append(p.events, evs...)
	}
	p.rebalance(end)
	sort.SliceStable(p.events, func(i, j int) bool {
		a, b := &p.events[i], &p.events[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		if a.Ticket != b.Ticket {
			return a.Ticket < b.Ticket
		}
		return a.Seq < b.Seq
	})
	return p
}

func makeTechnicians(r *rand.Rand, n int) []member {
	n = max(n, 1)
	skills := []string{"identity", "hardware", "messaging", "software", "networking", "telephony", "security"}
	techs := make([]member, n)
	used := map[string]bool{}
	for i := range techs {
		name := ""
		for name == "" || used[name] {
			name = firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		}
		used[name] = true
		tier := 1
		switch f := float64(i) / float64(n); {
		case n >= 3 && f >= 0.85:
			tier = 3
		case n >= 2 && f >= 0.6:
			tier = 2
		}
		var sk []string
		for _, k := range r.Perm(len(skills))[:2+r.IntN(2)] {
			sk = append(sk, skills[k])
		}
		slices.Sort(sk)
		techs[i] = member{Name: name, Tier: tier, Skills: sk}
	}
	techs[n-1].Lead = true // the most senior is the lead
	return techs
}

func makePeople(r *rand.Rand, n int) []ticket.Requester {
	people := make([]ticket.Requester, n)
	for i := range people {
		f, l := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		people[i] = ticket.Requester{
			Name:    f + " " + l,
			Contact: strings.ToLower(f+"."+l) + "@example.com",
			Site:    sites[r.IntN(len(sites))],
		}
	}
	return people
}

// dayWeight is a category's expected volume on day (relative): weekday rhythm,
// season, a slow growth of the team's volume, and the rising category's last three weeks.
func dayWeight(c *category, day, end time.Time) float64 {
	w := c.weight * c.season[day.Month()-1]
	w *= [7]float64{0.05, 1.25, 1.05, 1, 1, 0.85, 0.08}[day.Weekday()]
	daysLeft := end.Sub(day).Hours() / 24
	w *= 1 + 0.15*(1-math.Min(daysLeft/365, 1))
	if c.name == rising && daysLeft < 21 {
		w *= 3
	}
	return w
}

// arrival is when a ticket comes in and its category.
type arrival struct {
	at  time.Time
	cat int
}

// drawArrivals spreads cfg.Tickets arrivals over the period by the day weights and office hours.
func drawArrivals(r *rand.Rand, cfg Config, start, end time.Time) []arrival {
	type slot struct {
		day time.Time
		cat int
	}
	var slots []slot
	var cum []float64
	total := 0.0
	for day := start.Truncate(24 * time.Hour); day.Before(end); day = day.AddDate(0, 0, 1) {
		for ci := range categories {
			total += dayWeight(&categories[ci], day, end)
			slots = append(slots, slot{day, ci})
			cum = append(cum, total)
		}
	}
	// Hours of the day: most calls at 9-11 and 13-15.
	hours := [24]float64{0, 0, 0, 0, 0, 0, 0.1, 0.5, 2, 3, 3, 2.5, 1.5, 2.5, 2.5, 2, 1.5, 0.8, 0.3, 0.1, 0.1, 0, 0, 0}
	var hourCum [24]float64
	h := 0.0
	for i, v := range hours {
		h += v
		hourCum[i] = h
	}
	out := make([]arrival, 0, cfg.Tickets)
	for len(out) < cfg.Tickets {
		s := slots[sort.SearchFloat64s(cum, r.Float64()*total)]
		hour := sort.SearchFloat64s(hourCum[:], r.Float64()*h)
		at := s.day.Add(time.Duration(hour)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
		if !at.Before(end) || at.Before(start) {
			continue
		}
		out = append(out, arrival{at, s.cat})
	}
	slices.SortStableFunc(out, func(a, b arrival) int { return a.at.Compare(b.at) })
	return out
}

func newTicket(r *rand.Rand, c *category, people []ticket.Requester) ticket.NewTicket {
	impact := ticket.Medium
	switch x := r.Float64(); {
	case x < c.high:
		impact = ticket.High
	case x > 0.75:
		impact = ticket.Low
	}
	urgency := []ticket.Level{ticket.High, ticket.Medium, ticket.Medium, ticket.Low}[r.IntN(4)]
	src := []ticket.Source{ticket.SourceEmail, ticket.SourceEmail, ticket.SourcePhone, ticket.SourcePhone,
		ticket.SourceSelf, ticket.SourceWalkUp, ticket.SourceOnSite}[r.IntN(7)]
	title := upperFirst(fmt.Sprintf(pick(r, c.titles), pick(r, c.things)))
	var tags []string
	if r.IntN(3) == 0 {
		if tag := tagOf(pick(r, c.things)); tag != "" {
			tags = append(tags, tag)
		}
	}
	req := people[r.IntN(len(people))]
	return ticket.NewTicket{
		Title:       title,
		Description: strings.Join(pickTwo(r, c.details), " ") + "\n\nReported by " + req.Name + " (" + req.Site + ").",
		Requester:   req,
		Category:    c.name,
		Impact:      impact,
		Urgency:     urgency,
		Source:      src,
		Tags:        tags,
	}
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// pickTwo draws two different entries of s (the one entry when s has only one).
func pickTwo(r *rand.Rand, s []string) []string {
	if len(s) < 2 {
		return s
	}
	i := r.IntN(len(s))
	j := (i + 1 + r.IntN(len(s)-1)) % len(s)
	return []string{s[i], s[j]}
}

// techFor picks who takes a ticket of tier at t, among those with room for another open
// ticket: someone of that tier with skill, else anyone of that tier, else someone more
// senior. When nobody has room, ok is false and the least loaded of the tier is returned.
func (p *plan) techFor(r *rand.Rand, tier int, skill string, t time.Time) (tech int16, ok bool) {
	var match, sameTier, senior []int16
	least := int16(-1)
	for i, m := range p.techs {
		k := int16(i)
		if m.Tier == tier && (least < 0 || p.load.open(k, t) < p.load.open(least, t)) {
			least = k
		}
		switch {
		case m.Tier < tier || !p.load.roomy(k, t):
		case m.Tier > tier:
			senior = append(senior, k)
		case slices.Contains(m.Skills, skill):
			match = append(match, k)
			sameTier = append(sameTier, k)
		default:
			sameTier = append(sameTier, k)
		}
	}
	switch {
	case len(match) > 0 && r.IntN(5) > 0:
		return match[r.IntN(len(match))], true
	case len(sameTier) > 0:
		return sameTier[r.IntN(len(sameTier))], true
	case len(senior) > 0:
		return senior[r.IntN(len(senior))], true
	case least >= 0:
		return least, false
	}
	return int16(r.IntN(len(p.techs))), false
}

func (p *plan) hasTier(tier int) bool {
	return slices.ContainsFunc(p.techs, func(t member) bool { return t.Tier == tier })
}

// resolveTime is how long work on a ticket of priority prio takes, roughly.
var resolveTime = [6][2]time.Duration{{}, {time.Hour, 6 * time.Hour}, {2 * time.Hour, 16 * time.Hour},
	{4 * time.Hour, 96 * time.Hour}, {24 * time.Hour, 7 * 24 * time.Hour}, {48 * time.Hour, 14 * 24 * time.Hour}}

// respondTime is how long until someone takes a ticket of priority prio.
var respondTime = [6][2]time.Duration{{}, {5 * time.Minute, 20 * time.Minute}, {15 * time.Minute, 90 * time.Minute},
	{30 * time.Minute, 6 * time.Hour}, {time.Hour, 24 * time.Hour}, {2 * time.Hour, 48 * time.Hour}}

func between(r *rand.Rand, d [2]time.Duration) time.Duration {
	return d[0] + time.Duration(r.Int64N(int64(d[1]-d[0])+1))
}

// officeHours moves t to the next working moment (08:00-18:00, Monday to Friday).
func officeHours(t time.Time) time.Time {
	for {
		switch {
		case t.Weekday() == time.Saturday || t.Weekday() == time.Sunday:
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 8, 0, 0, 0, t.Location()).Add(time.Duration(t.Minute()) * time.Minute)
		case t.Hour() >= 18:
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 8, t.Minute(), t.Second(), 0, t.Location())
		case t.Hour() < 8:
			t = time.Date(t.Year(), t.Month(), t.Day(), 8, t.Minute(), t.Second(), 0, t.Location())
		default:
			return t
		}
	}
}

// tagOf makes a tag of a thing's first real word ("the HR share" -> "hr").
func tagOf(thing string) string {
	for _, w := range strings.Fields(strings.ToLower(thing)) {
		switch w {
		case "the", "a", "an", "my", "our", "new", "of", "on", "in", "to", "for", "at", "from", "since", "every", "with":
			continue
		}
		return strings.Trim(w, ".,;:'\"()")
	}
	return ""
}

// upperFirst capitalises a title's first letter ("the reception printer ..." -> "The reception printer ...").
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
