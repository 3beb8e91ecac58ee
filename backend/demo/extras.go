package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"outpost/backend/coaching"
	"outpost/backend/core/store"
	"outpost/backend/directory"
	"outpost/backend/escalation"
	"outpost/backend/onboarding"
	"outpost/backend/person"
	"outpost/backend/problem"
	"outpost/backend/technician"
	"outpost/backend/ticket"
	"outpost/backend/visit"
)

// extra is a planned action outside a ticket's life (a visit, a coaching item, a problem,
// a vendor case, an onboarding tick). It runs at its moment, between the tickets' actions,
// through its domain's service; what it says was drawn when planning, so the same seed
// gives the same data.
type extra struct {
	At   time.Time
	What string
	Do   func(ctx context.Context, x *world) error
}

// ticketFacts is what the extras need to know about a planned ticket's life.
type ticketFacts struct {
	owner    int16     // the technician who last took it (-1: never assigned)
	assigned time.Time // first assignment
	resolved time.Time // first resolution (zero: never)
	closed   bool
}

// facts summarises every planned ticket's life from the plan's events.
func (p *plan) facts() []ticketFacts {
	fs := make([]ticketFacts, len(p.tickets))
	for i := range fs {
		fs[i].owner = -1
	}
	for k := range p.events {
		e := &p.events[k]
		f := &fs[e.Ticket]
		switch e.Step {
		case stepAssign, stepEscalate:
			f.owner = e.To
			if f.assigned.IsZero() {
				f.assigned = e.At
			}
		case stepStatus:
			if e.Status == ticket.StatusResolved && f.resolved.IsZero() {
				f.resolved = e.At
			}
			f.closed = e.Status == ticket.StatusClosed
		}
	}
	return fs
}

// world is what extras act on: the services, the generated IDs and the plan.
type world struct {
	p          *plan
	w          *writer
	facts      []ticketFacts
	cfg        Config
	techs      *technician.Service
	visits     *visit.Service
	coach      *coaching.Service
	problems   *problem.Service
	dir        *directory.Service
	onboard    *onboarding.Service
	paths      *escalation.Service
	lead       string              // the lead technician's name: the author of the lead's work
	named      map[string]string   // record IDs by a name the plan gave them (vendors, cases, problems, visits)
	visitItems map[string][]string // checklist item IDs by visit ID
	stats      *Stats
	cleanup    func()
}

func (x *world) ticketID(i int32) string { return x.w.ids[i] }

// leadIdentity prepares who writes the demo's coaching notes: the person of cfg.LeadKeyDir
// when that is a lead or coordinator (so the notes open on that device), else a demo lead
// person made here, whose private key is discarded with cleanup. It reports whether the
// notes will be readable on the loading device.
func leadIdentity(ctx context.Context, st *store.Store, clk *Clock, cfg Config, leadName, leadTechID string) (*person.Service, bool, func(), error) {
	if cfg.LeadKeyDir != "" {
		people, err := person.NewService(st, person.Options{Dir: cfg.LeadKeyDir})
		if err != nil {
			return nil, false, nil, fmt.Errorf("read the lead's identity: %w", err)
		}
		if me, _, err := people.Current(); err == nil && me.Role.CanCoach() {
			return people, true, func() {}, nil
		}
	}
	dir, err := os.MkdirTemp("", "outpost-demo-lead-*")
	if err != nil {
		return nil, false, nil, fmt.Errorf("demo lead identity: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	people, err := person.NewService(st, person.Options{Dir: dir})
	if err != nil {
		cleanup()
		return nil, false, nil, err
	}
	clk.Set(cfg.Begin().Add(2 * time.Minute))
	if _, err := people.SetUp(ctx, person.Profile{Name: leadName, Role: person.RoleLead, TechnicianID: leadTechID}); err != nil {
		cleanup()
		return nil, false, nil, fmt.Errorf("demo lead identity: %w", err)
	}
	return people, false, cleanup, nil
}

// planExtras draws every extra of the dataset, sorted by time.
func (p *plan) planExtras(cfg Config, facts []ticketFacts) []extra {
	var xs []extra
	xs = append(xs, p.planVisits(rand.New(rand.NewPCG(cfg.Seed, 0x7151)), cfg, facts)...)
	xs = append(xs, p.planCoaching(rand.New(rand.NewPCG(cfg.Seed, 0xc0ac)), cfg, facts)...)
	xs = append(xs, p.planProblems(rand.New(rand.NewPCG(cfg.Seed, 0x9b1e)), cfg, facts)...)
	xs = append(xs, p.planVendors(rand.New(rand.NewPCG(cfg.Seed, 0x7e4d)), cfg, facts)...)
	xs = append(xs, p.planOnboarding(rand.New(rand.NewPCG(cfg.Seed, 0x0b0a)), cfg)...)
	xs = append(xs, p.planPaths(cfg)...)
	slices.SortStableFunc(xs, func(a, b extra) int { return a.At.Compare(b.At) })
	return xs
}

// day is t's date as the services write dates.
func day(t time.Time) string { return t.Format("2006-01-02") }

// weekday moves t forward to the next Monday-to-Friday day, keeping the time of day.
func weekday(t time.Time) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// at is t's day at hour:minute.
func at(t time.Time, hour, minute int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), hour, minute, 0, 0, t.Location())
}

// ticketsWhere lists the planned tickets matching keep, in creation order.
func (p *plan) ticketsWhere(keep func(i int) bool) []int32 {
	var out []int32
	for i := range p.tickets {
		if keep(i) {
			out = append(out, int32(i))
		}
	}
	return out
}

// newWorld prepares the services the extras write through, and the lead who writes
// the coaching notes.
func newWorld(ctx context.Context, st *store.Store, clk *Clock, cfg Config, p *plan, w *writer, stats *Stats) (*world, error) {
	lead := len(p.techs) - 1
	techs := technician.NewService(st, nil)
	people, readable, cleanup, err := leadIdentity(ctx, st, clk, cfg, p.techs[lead].Name, w.techIDs[lead])
	if err != nil {
		return nil, err
	}
	me, _, err := people.Current()
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("demo lead identity: %w", err)
	}
	stats.CoachingLead, stats.CoachingReadable = me.Name, readable
	x := &world{
		p: p, w: w, facts: p.facts(), cfg: cfg, techs: techs,
		visits:     visit.NewService(st, techs, w.svc),
		coach:      coaching.NewService(st, people, clk.Now),
		problems:   problem.NewService(st, clk.Now),
		dir:        directory.NewService(st, clk.Now),
		onboard:    onboarding.NewService(st, clk.Now),
		paths:      escalation.NewService(st),
		lead:       p.techs[lead].Name,
		named:      map[string]string{},
		visitItems: map[string][]string{},
		stats:      stats,
		cleanup:    cleanup,
	}
	return x, nil
}

func (x *world) close() {
	x.visits.Close()
	x.cleanup()
}
