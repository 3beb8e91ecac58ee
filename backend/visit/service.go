package visit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

// Limits on visit input.
const (
	MaxSite        = 200
	MaxAddress     = 300
	MaxItems       = 50
	MaxItem        = 200
	MaxOutcome     = 10000
	MaxWindow      = 24 * time.Hour
	MaxVisitsShown = 5000
)

// Service performs visit actions as single durable store transactions.
type Service struct {
	st      *store.Store
	techs   *technician.Service
	tickets *ticket.Service
	cache   *cache
}

// NewService returns a visit service on st; technicians and tickets are read to
// validate references, fill names and compute flags.
func NewService(st *store.Store, techs *technician.Service, tickets *ticket.Service) *Service {
	return &Service{st: st, techs: techs, tickets: tickets, cache: newCache(st)}
}

// Close stops following the store.
func (s *Service) Close() { s.cache.cancel() }

// NewVisit is what a coordinator fills in. Start and End are RFC 3339 times, or
// wall-clock times ("2026-11-24T09:00") in the technician's time zone.
type NewVisit struct {
	TicketID   string   `json:"ticketId"`
	Site       string   `json:"site"`    // defaults to the ticket requester's site
	Address    string   `json:"address"` // street address for the calendar
	Technician string   `json:"technician"`
	Start      string   `json:"start"`
	End        string   `json:"end"`
	Checklist  []string `json:"checklist"`
}

// Get returns one visit with its flags.
func (s *Service) Get(id string) (Visit, error) {
	all, err := s.all()
	if err != nil {
		return Visit{}, err
	}
	for _, v := range all {
		if v.ID == id {
			return s.decorate(v, all), nil
		}
	}
	return Visit{}, fmt.Errorf("%w: %s", ErrNotFound, id)
}

// ForTicket lists the visits of a ticket, earliest first.
func (s *Service) ForTicket(ticketID string) ([]Visit, error) {
	all, err := s.all()
	if err != nil {
		return nil, err
	}
	out := []Visit{}
	for _, v := range all {
		if v.TicketID == ticketID {
			out = append(out, s.decorate(v, all))
		}
	}
	return out, nil
}

// Create schedules a visit for a ticket.
func (s *Service) Create(ctx context.Context, author string, in NewVisit) (Visit, error) {
	tk, err := s.tickets.Get(strings.TrimSpace(in.TicketID))
	if err != nil {
		if errors.Is(err, ticket.ErrNotFound) {
			return Visit{}, field.Relabel(field.Errorf("ticketId", "%q is not a ticket on this device", in.TicketID), "Ticket")
		}
		return Visit{}, err
	}
	tech, err := s.technician(in.Technician)
	if err != nil {
		return Visit{}, err
	}
	site := strings.TrimSpace(in.Site)
	if site == "" {
		site = tk.Requester.Site
	}
	address := strings.TrimSpace(in.Address)
	w, err := parseWindow(in.Start, in.End, tech)
	if err != nil {
		return Visit{}, err
	}
	items := trimItems(in.Checklist)
	if err := field.First(
		field.Text("site", site, MaxSite, true, false),
		field.Text("address", address, MaxAddress, false, true),
		validItems(items, 0),
	); err != nil {
		return Visit{}, err
	}
	var out change.Record
	_, err = s.st.Update(ctx, author, func(tx *store.Tx) error {
		ops := &change.Ops{}
		ops.Set(fTicket, tk.ID, nil)
		ops.Set(fSite, site, nil)
		ops.Set(fAddress, address, nil)
		ops.Set(fTechnician, tech.ID, nil)
		ops.Set(fWindow, w, nil)
		ops.Set(fStatus, StatusScheduled, nil)
		for _, it := range items {
			ops.Append(fItems, it)
		}
		list, err := ops.List()
		if err != nil {
			return err
		}
		out, err = tx.Write(Kind, store.NewID(), list)
		return err
	})
	if err != nil {
		return Visit{}, fmt.Errorf("create visit: %w", err)
	}
	return s.Get(out.ID)
}

// Patch changes some of a visit; nil means unchanged.
type Patch struct {
	Site        *string  `json:"site,omitempty"`
	Address     *string  `json:"address,omitempty"`
	Technician  *string  `json:"technician,omitempty"`
	Start       *string  `json:"start,omitempty"`
	End         *string  `json:"end,omitempty"`
	Status      *Status  `json:"status,omitempty"`
	AddItems    []string `json:"addItems,omitempty"`
	RemoveItems []string `json:"removeItems,omitempty"`
}

// Update applies a patch. Moving the window or changing the technician reads new
// wall-clock times in the (new) technician's zone.
func (s *Service) Update(ctx context.Context, author, id string, p Patch) (Visit, error) {
	cur, err := s.Get(id)
	if err != nil {
		return Visit{}, err
	}
	techID := cur.Technician
	if p.Technician != nil {
		techID = *p.Technician
	}
	var tech technician.Technician
	if p.Technician != nil || p.Start != nil || p.End != nil {
		if tech, err = s.technician(techID); err != nil {
			return Visit{}, err
		}
	}
	w := cur.Window()
	if p.Start != nil || p.End != nil {
		start, end := cur.Start.Format(time.RFC3339), cur.End.Format(time.RFC3339)
		if p.Start != nil {
			start = *p.Start
		}
		if p.End != nil {
			end = *p.End
		}
		if w, err = parseWindow(start, end, tech); err != nil {
			return Visit{}, err
		}
	}
	add := trimItems(p.AddItems)
	if err := validItems(add, len(cur.Checklist)); err != nil {
		return Visit{}, err
	}
	return s.edit(ctx, author, id, func(r change.Record, v Visit, ops *change.Ops) error {
		if p.Site != nil {
			site := strings.TrimSpace(*p.Site)
			if err := field.Text("site", site, MaxSite, true, false); err != nil {
				return err
			}
			ops.PutIfChanged(r, fSite, v.Site, site)
		}
		if p.Address != nil {
			addr := strings.TrimSpace(*p.Address)
			if err := field.Text("address", addr, MaxAddress, false, true); err != nil {
				return err
			}
			ops.PutIfChanged(r, fAddress, v.Address, addr)
		}
		ops.PutIfChanged(r, fTechnician, v.Technician, techID)
		if !w.Start.Equal(v.Start) || !w.End.Equal(v.End) {
			ops.Put(r, fWindow, w)
		}
		if p.Status != nil {
			if *p.Status == StatusDone && v.Status != StatusDone {
				return field.Errorf("status", "record the outcome to complete the visit: it goes to the ticket as a work log and a note")
			}
			if err := move(r, v, *p.Status, ops); err != nil {
				return err
			}
		}
		for _, it := range add {
			ops.Append(fItems, it)
		}
		for _, id := range p.RemoveItems {
			if !hasItem(r, id) {
				return field.Relabel(field.Errorf("removeItems", "has no item %q to remove", id), "Checklist")
			}
			ops.Add(fDropped, id)
		}
		return nil
	})
}

func move(r change.Record, v Visit, to Status, ops *change.Ops) error {
	if !to.Valid() {
		return field.Errorf("status", "must be scheduled, in_progress, done or cancelled, not %q", to)
	}
	if !v.Status.CanMoveTo(to) {
		return field.Errorf("status", "a %s visit cannot move to %s", v.Status, to)
	}
	if to != v.Status {
		ops.Put(r, fStatus, to)
	}
	return nil
}

// CheckItem ticks (done) or unticks a checklist item. The first tick starts a scheduled visit.
func (s *Service) CheckItem(ctx context.Context, author, id, item string, done bool) (Visit, error) {
	return s.edit(ctx, author, id, func(r change.Record, v Visit, ops *change.Ops) error {
		if !hasItem(r, item) {
			return field.Errorf("item", "no checklist item %q", item)
		}
		if v.Status == StatusCancelled {
			return field.Errorf("status", "the visit is cancelled")
		}
		isDone := slices.Contains(r.Members(fDone), item)
		switch {
		case done && !isDone:
			ops.Add(fDone, item)
		case !done && isDone:
			ops.Remove(r, fDone, item)
		default:
			return nil
		}
		ops.Append(fChecks, Check{Item: item, Done: done})
		if done && v.Status == StatusScheduled {
			ops.Put(r, fStatus, StatusInProgress)
		}
		return nil
	})
}

func (s *Service) edit(ctx context.Context, author, id string, fn func(change.Record, Visit, *change.Ops) error) (Visit, error) {
	_, err := record.Edit(ctx, s.st, author, Kind, id, ErrNotFound, func(r change.Record, ops *change.Ops) error {
		return fn(r, FromRecord(r), ops)
	})
	if err != nil {
		return Visit{}, err
	}
	return s.Get(id)
}

func (s *Service) technician(id string) (technician.Technician, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return technician.Technician{}, field.Errorf("technician", "is required")
	}
	t, err := s.techs.Get(id)
	if technician.IsNotFound(err) {
		return t, field.Errorf("technician", "no technician %q", id)
	}
	if err != nil {
		return t, err
	}
	if !t.Active {
		return t, field.Errorf("technician", "%s is not active", t.Name)
	}
	return t, nil
}

// parseWindow reads start and end as RFC 3339, or as wall-clock times in the technician's zone.
func parseWindow(start, end string, tech technician.Technician) (Window, error) {
	loc, err := tech.Hours.Location()
	if err != nil {
		loc = time.UTC
	}
	read := func(name, s string) (time.Time, error) {
		s = strings.TrimSpace(s)
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
		if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
			return t, nil
		}
		return time.Time{}, field.Errorf(name, "must be a time such as 2026-11-24T09:00")
	}
	st, err := read("start", start)
	if err != nil {
		return Window{}, err
	}
	en, err := read("end", end)
	if err != nil {
		return Window{}, err
	}
	if !en.After(st) {
		return Window{}, field.Errorf("end", "must be after the start")
	}
	if en.Sub(st) > MaxWindow {
		return Window{}, field.Errorf("end", "a visit lasts at most 24 hours")
	}
	return Window{Start: st.UTC(), End: en.UTC()}, nil
}

func trimItems(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func validItems(items []string, have int) error {
	if have+len(items) > MaxItems {
		return field.Errorf("checklist", "a checklist holds at most %d items", MaxItems)
	}
	for _, it := range items {
		if err := field.Text("checklist", it, MaxItem, true, false); err != nil {
			return err
		}
	}
	return nil
}

// all returns every visit with its ticket's number and title, earliest first.
func (s *Service) all() ([]Visit, error) {
	out, err := s.cache.all()
	if err != nil {
		return nil, fmt.Errorf("read visits: %w", err)
	}
	for i := range out {
		info := s.cache.ticket(s.tickets, out[i].TicketID)
		out[i].TicketNumber, out[i].TicketTitle = info.number, info.title
	}
	return out, nil
}
