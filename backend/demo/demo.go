// Package demo generates a realistic help-desk dataset (a year of a team's tickets with
// their histories) and writes it through the ticket service, so every record is made of
// real, signed changes. The same seed gives the same data.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

// Config says how much to generate.
type Config struct {
	Tickets     int       `json:"tickets"`
	Technicians int       `json:"technicians"`
	SOPs        int       `json:"sops"`
	Seed        uint64    `json:"seed"`
	Days        int       `json:"days"` // length of the history; 0 means 365
	End         time.Time `json:"end"`  // the dataset's present; zero means now
	// LeadKeyDir is a data directory whose person, when a lead or coordinator, writes the
	// demo's coaching notes, so they open there. Otherwise they are written by a demo lead
	// made for the occasion, whose private key is discarded: nobody can read them.
	LeadKeyDir string `json:"-"`
}

// Limits on a generated dataset.
const (
	MaxTickets     = 2_000_000
	MaxTechnicians = 500
)

// Normalize fills defaults and checks the limits.
func (c *Config) Normalize(now time.Time) error {
	if c.Days == 0 {
		c.Days = 365
	}
	if c.End.IsZero() {
		c.End = now
	}
	if c.Technicians == 0 {
		c.Technicians = 8
	}
	switch {
	case c.Tickets < 0 || c.Tickets > MaxTickets:
		return fmt.Errorf("tickets: must be from 0 to %d", MaxTickets)
	case c.Technicians < 1 || c.Technicians > MaxTechnicians:
		return fmt.Errorf("technicians: must be from 1 to %d", MaxTechnicians)
	case c.SOPs < 0:
		return errors.New("sops: must not be negative")
	case c.Days < 1 || c.Days > 3650:
		return errors.New("days: must be from 1 to 3650")
	}
	c.End = c.End.UTC().Truncate(time.Second)
	return nil
}

// Start is when the generated history begins.
func (c Config) Start() time.Time { return c.End.AddDate(0, 0, -c.Days) }

// Begin is the earliest a generating store's clock may show: the team's technicians and
// knowledge base are written in the hours before the first ticket.
func (c Config) Begin() time.Time { return c.Start().Add(-3 * time.Hour) }

// Clock is a wall clock the generator moves forward as it writes, so that the store
// stamps each change with the moment the action happened. Pass its Now as store.Options.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Progress reports how far generation is.
type Progress struct {
	Phase string `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// Stats says what was generated.
type Stats struct {
	Tickets      int      `json:"tickets"`
	Technicians  []string `json:"technicians"`
	SOPs         int      `json:"sops"`
	SOPRevisions int      `json:"sopRevisions"`
	Actions      int      `json:"actions"`
	Changes      int      `json:"changes"`
	Open         int      `json:"open"`
	Visits       int      `json:"visits"`
	Problems     int      `json:"problems"`
	VendorCases  int      `json:"vendorCases"`
	Onboarding   int      `json:"onboarding"`
	// CoachingItems were written by CoachingLead; CoachingReadable says whether the
	// person of Config.LeadKeyDir wrote them (and can open them).
	CoachingItems    int           `json:"coachingItems"`
	CoachingLead     string        `json:"coachingLead"`
	CoachingReadable bool          `json:"coachingReadable"`
	Elapsed          time.Duration `json:"elapsed"`
}

// ErrNewerData reports a replica whose clock is past the start of the demo period:
// its changes would all be stamped "now", so the history would not look like a year.
var ErrNewerData = errors.New("this replica already holds changes newer than the demo period; generate into a new data directory")

// actionsPerCommit is how many planned actions share one store transaction: large
// enough that the synced commit is cheap per action, small enough for Badger's batch limit.
const actionsPerCommit = 250

// Generate writes the dataset for cfg into st, whose clock must be clk (store.Options.Now = clk.Now)
// and not past cfg.Start(). Each commit holds many actions, each its own signed change by
// the technician who did it, stamped at the planned moment. progress may be nil.
func Generate(ctx context.Context, st *store.Store, clk *Clock, cfg Config, progress func(Progress)) (Stats, error) {
	began := time.Now()
	if err := cfg.Normalize(clk.Now()); err != nil {
		return Stats{}, err
	}
	if st.Clock().Last().Time().After(cfg.Begin()) {
		return Stats{}, ErrNewerData
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	before, err := st.Vector()
	if err != nil {
		return Stats{}, err
	}
	progress(Progress{Phase: "planning", Total: cfg.Tickets})
	limits, err := technician.NewService(st, nil).AssignSettings()
	if err != nil {
		return Stats{}, err
	}
	p := newPlan(cfg, cfg.End, limits.MaxOpen)
	w := &writer{p: p, svc: ticket.NewService(st, nil), clk: clk, ids: make([]string, len(p.tickets))}
	stats := Stats{Tickets: len(p.tickets), Actions: len(p.events), SOPs: cfg.SOPs}
	for _, t := range p.techs {
		stats.Technicians = append(stats.Technicians, t.Name)
	}
	if w.techIDs, err = createTechnicians(ctx, st, clk, p.techs, cfg.Begin().Add(time.Minute)); err != nil {
		return stats, fmt.Errorf("write demo technicians: %w", err)
	}
	progress(Progress{Phase: "knowledge base", Total: cfg.SOPs})
	sr := rand.New(rand.NewPCG(cfg.Seed, 0x50f))
	if stats.SOPRevisions, err = createSOPs(ctx, st, clk, sr, p.techs, cfg.SOPs, cfg.Begin().Add(time.Hour), cfg.End); err != nil {
		return stats, fmt.Errorf("write demo knowledge base: %w", err)
	}
	x, err := newWorld(ctx, st, clk, cfg, p, w, &stats)
	if err != nil {
		return stats, err
	}
	defer x.close()
	extras := p.planExtras(cfg, x.facts)
	doExtras := func(until time.Time) error {
		for len(extras) > 0 && !extras[0].At.After(until) {
			e := extras[0]
			extras = extras[1:]
			clk.Set(e.At)
			if err := e.Do(ctx, x); err != nil {
				return fmt.Errorf("write demo %s at %s: %w", e.What, e.At.Format(time.RFC3339), err)
			}
		}
		return nil
	}
	for i := 0; i < len(p.events); {
		if err := doExtras(p.events[i].At); err != nil {
			return stats, err
		}
		// A commit holds the actions up to the next extra, so each is stamped in time order.
		n := 0
		for i+n < len(p.events) && n < actionsPerCommit && (len(extras) == 0 || p.events[i+n].At.Before(extras[0].At)) {
			n++
		}
		evs := p.events[i : i+n]
		_, err := st.Update(ctx, "demo", func(tx *store.Tx) error {
			svc := w.svc.Within(tx)
			for k := range evs {
				if err := w.do(ctx, svc, &evs[k]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return stats, fmt.Errorf("write demo data: %w", err)
		}
		i += n
		progress(Progress{Phase: "writing", Done: i, Total: len(p.events)})
	}
	if err := doExtras(cfg.End.Add(-time.Nanosecond)); err != nil {
		return stats, err
	}
	clk.Set(cfg.End)
	after, err := st.Vector()
	if err != nil {
		return stats, err
	}
	stats.Changes = int(after[st.Device().ID] - before[st.Device().ID])
	for _, s := range w.status {
		if s.Open() {
			stats.Open++
		}
	}
	stats.Elapsed = time.Since(began)
	return stats, nil
}

// writer performs planned actions through the ticket service.
type writer struct {
	p       *plan
	svc     *ticket.Service
	clk     *Clock
	ids     []string // ticket IDs by plan index
	techIDs []string // technician IDs by plan index
	status  map[int32]ticket.Status
}

func (w *writer) do(ctx context.Context, svc *ticket.Service, e *event) error {
	w.clk.Set(e.At)
	by := w.p.techs[e.By].Name
	id := w.ids[e.Ticket]
	var t ticket.Ticket
	var err error
	switch e.Step {
	case stepCreate:
		var ts []ticket.Ticket
		ts, err = svc.CreateBatch(ctx, by, []ticket.NewTicket{w.p.tickets[e.Ticket]})
		if err == nil {
			t = ts[0]
			w.ids[e.Ticket] = t.ID
		}
	case stepAssign:
		t, err = svc.Assign(ctx, by, id, w.techIDs[e.To])
	case stepStatus:
		if e.Status == ticket.StatusResolved {
			t, err = svc.Resolve(ctx, by, id, demoCodes[int(e.Seq)%len(demoCodes)], e.Text)
		} else {
			t, err = svc.Transition(ctx, by, id, e.Status, e.Text)
		}
	case stepComment:
		t, err = svc.Comment(ctx, by, id, e.Text, strings.HasPrefix(e.Text, "Checked"))
	case stepWork:
		t, err = svc.LogWork(ctx, by, id, e.N, e.Text)
	case stepEscalate:
		t, err = svc.Escalate(ctx, by, id, ticket.EscalateInput{ToTier: e.N, To: w.techIDs[e.To], Reason: e.Text, Handover: e.Extra})
	}
	if err != nil {
		return fmt.Errorf("ticket %d, action %d: %w", e.Ticket+1, e.Seq, err)
	}
	if w.status == nil {
		w.status = map[int32]ticket.Status{}
	}
	w.status[e.Ticket] = t.Status
	return nil
}

// demoCodes are the resolution codes the demo team's tickets are resolved with, most of them fixes.
var demoCodes = []string{"fixed", "fixed", "fixed", "workaround", "fixed", "how-to", "fixed", "fixed", "no-fault-found", "fixed"}
