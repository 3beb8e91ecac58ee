package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/person"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// SLA events the UI listens to: a ticket crossed a warning share or breached a target.
const (
	EventSLAWarning = "sla:warning"
	EventSLABreach  = "sla:breach"
)

// The team's SLA settings are one record of the shared settings kind, so they sync;
// policy and calendar are one register each (edited as a whole; a real concurrent
// edit is flagged by the merge rules).
const (
	slaSettingsKind = "settings"
	slaSettingsID   = "sla"
	fSLAPolicy      = "policy"
	fSLACalendar    = "calendar"
)

// slaCheckEvery is how often open tickets are checked for warnings and breaches.
const slaCheckEvery = time.Minute

// Notifier shows a desktop notification; nil shows none. A failure is logged, never fatal.
type Notifier func(title, message string) error

// SLAAlert is the data of an "sla:warning" or "sla:breach" event.
type SLAAlert struct {
	TicketID string    `json:"ticketId"`
	Number   string    `json:"number"`
	Title    string    `json:"title"`
	Assignee string    `json:"assignee"`
	Target   string    `json:"target"` // "response" or "resolution"
	State    sla.State `json:"state"`  // warning75, warning90 or breached
	Label    string    `json:"label"`
}

// slaRuntime is the app's SLA machinery: the current engine, the crossings already
// announced (in memory only: after a restart they are announced again), the notifier.
type slaRuntime struct {
	engine    atomic.Pointer[sla.Engine]
	notify    atomic.Pointer[Notifier]
	mu        sync.Mutex
	announced map[string]bool // ticket/target/state
	stop      func()
}

// SLAService is the SLA settings screen and the SLA panel of a ticket, as bound to the UI.
type SLAService struct{ a *App }

// startSLA loads the SLA settings, follows their changes and starts the minute check.
func (a *App) startSLA() {
	a.slaRT = &slaRuntime{announced: map[string]bool{}}
	a.SLA = &SLAService{a: a}
	a.Reports = &ReportService{a: a}
	a.reloadSLA()
	a.queue.SetSLA(a.slaRT.engine.Load, time.Now)
	cancel := a.st.Subscribe(func(e store.Event) {
		for _, id := range e.Touched()[slaSettingsKind] {
			if id == slaSettingsID {
				a.reloadSLA()
			}
		}
	})
	ctx, stop := context.WithCancel(a.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(slaCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				a.checkSLA(now)
			}
		}
	}()
	a.slaRT.stop = func() { cancel(); stop(); <-done }
}

func (a *App) stopSLA() {
	if a.slaRT != nil && a.slaRT.stop != nil {
		a.slaRT.stop()
	}
}

// SetNotifier sets how desktop notifications are shown (the window build sets one; nil for none).
func (a *App) SetNotifier(n Notifier) { a.slaRT.notify.Store(&n) }

func (a *App) reloadSLA() {
	s, err := a.slaSettings()
	if err == nil {
		var e *sla.Engine
		if e, err = sla.NewEngine(s); err == nil {
			a.slaRT.engine.Store(e)
			return
		}
	}
	a.log.Warn("SLA settings unusable; keeping the previous ones", "err", err)
	if a.slaRT.engine.Load() == nil {
		e, _ := sla.NewEngine(sla.DefaultSettings())
		a.slaRT.engine.Store(e)
	}
}

func (a *App) slaSettings() (sla.Settings, error) {
	s := sla.DefaultSettings()
	rec, err := a.st.Get(slaSettingsKind, slaSettingsID)
	if errors.Is(err, store.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if _, err := rec.Get(fSLAPolicy, &s.Policy); err != nil {
		return s, err
	}
	if _, err := rec.Get(fSLACalendar, &s.Calendar); err != nil {
		return s, err
	}
	if s.Calendar.Holidays == nil {
		s.Calendar.Holidays = []string{}
	}
	return s, nil
}

// Settings returns the team's SLA policy and business calendar (the defaults until someone saves).
func (s *SLAService) Settings() (sla.Settings, error) {
	out, err := s.a.slaSettings()
	return out, s.a.userError("read SLA settings", err)
}

// Defaults returns the default policy and calendar, for a "reset" button.
func (s *SLAService) Defaults() (sla.Settings, error) { return sla.DefaultSettings(), nil }

// Save checks and stores the team's SLA settings; bad input is refused naming the field.
func (s *SLAService) Save(in sla.Settings) (sla.Settings, error) {
	if in.Calendar.Holidays == nil {
		in.Calendar.Holidays = []string{}
	}
	if err := in.Validate(); err != nil {
		return sla.Settings{}, s.a.userError("save SLA settings", err)
	}
	_, err := s.a.st.Update(s.a.ctx, s.a.me(), func(tx *store.Tx) error {
		rec, err := tx.Get(slaSettingsKind, slaSettingsID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		ops := change.Ops{}
		ops.Put(rec, fSLAPolicy, in.Policy)
		ops.Put(rec, fSLACalendar, in.Calendar)
		list, err := ops.List()
		if err != nil {
			return err
		}
		_, err = tx.Write(slaSettingsKind, slaSettingsID, list)
		return err
	})
	if err != nil {
		return sla.Settings{}, s.a.userError("save SLA settings", fmt.Errorf("save SLA settings: %w", err))
	}
	s.a.reloadSLA()
	return in, nil
}

// Ticket returns the SLA state of one ticket now: both targets, warnings, due and breach times.
func (s *SLAService) Ticket(id string) (sla.Result, error) {
	tl, ok := s.a.queue.Timeline(id)
	if !ok {
		t, err := s.a.tickets.Get(id)
		if err != nil {
			return sla.Result{}, s.a.userError("ticket SLA", err)
		}
		tl = t.Timeline()
	}
	return s.a.slaRT.engine.Load().Evaluate(tl, time.Now()), nil
}

// checkSLA announces every open target that crossed a warning share or breached
// since the last check: an event for the UI, and a desktop notification for the
// assignee and for leads. It runs on the SLA goroutine.
func (a *App) checkSLA(now time.Time) {
	rt := a.slaRT
	e := rt.engine.Load()
	var fresh []SLAAlert
	seen := map[string]bool{}
	rt.mu.Lock()
	a.queue.OpenSLA(e, now, func(t ticket.Summary, r sla.Result) {
		for _, tg := range []struct {
			name string
			p    sla.Progress
		}{{"response", r.Response}, {"resolution", r.Resolution}} {
			if tg.p.Done || tg.p.State == sla.OK {
				continue
			}
			key := t.ID + "/" + tg.name + "/" + string(tg.p.State)
			seen[key] = true
			if rt.announced[key] {
				continue
			}
			rt.announced[key] = true
			_, label := tg.p.Label(tg.name)
			fresh = append(fresh, SLAAlert{TicketID: t.ID, Number: t.Number, Title: t.Title, Assignee: t.Assignee,
				Target: tg.name, State: tg.p.State, Label: label})
		}
	})
	for key := range rt.announced {
		if !seen[key] {
			delete(rt.announced, key) // met, resolved or deleted since: forget it
		}
	}
	rt.mu.Unlock()

	var mine []SLAAlert
	for _, al := range fresh {
		name := EventSLAWarning
		if al.State == sla.Breached {
			name = EventSLABreach
		}
		a.events.emit(name, al)
		if a.alertsMe(al.Assignee) {
			mine = append(mine, al)
		}
	}
	a.notifyAlerts(mine)
}

// alertsMe reports whether this device's person wants a desktop notification about a
// ticket assigned to assignee: leads and coordinators about every ticket, others about
// their own. A device with no person set up is one person's: it hears about everything.
func (a *App) alertsMe(assignee string) bool {
	if a.people == nil {
		return true
	}
	me, err := a.people.Me()
	if err != nil || !me.Set {
		return true
	}
	if me.Role == person.RoleLead || me.Role == person.RoleCoordinator {
		return true
	}
	return assignee != "" && (assignee == me.TechnicianID || assignee == me.Name)
}

func (a *App) notifyAlerts(alerts []SLAAlert) {
	np := a.slaRT.notify.Load()
	if np == nil || *np == nil || len(alerts) == 0 {
		return
	}
	notify := *np
	send := func(title, msg string) {
		if err := notify(title, msg); err != nil {
			a.log.Warn("desktop notification failed", "err", err)
		}
	}
	if len(alerts) > 3 { // after a start or a long sleep: one summary, not a flood
		breached := 0
		for _, al := range alerts {
			if al.State == sla.Breached {
				breached++
			}
		}
		send("Outpost: SLA", fmt.Sprintf("%d tickets need attention (%d breached). Open the queue sorted by SLA.", len(alerts), breached))
		return
	}
	for _, al := range alerts {
		what := "SLA warning"
		if al.State == sla.Breached {
			what = "SLA breached"
		}
		send(fmt.Sprintf("%s: %s", what, al.Number), fmt.Sprintf("%s (%s: %s)", al.Title, al.Target, al.Label))
	}
}
