package visit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// Outcome records what happened on site; complete also marks the visit done. Completing
// writes, in the same transaction, a work log (the visit's time on site) and an internal
// note with the outcome to the visit's ticket, so the ticket tells what was done there.
// A visit cannot be completed before it starts.
func (s *Service) Outcome(ctx context.Context, author, id, notes string, complete bool) (Visit, error) {
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		if err != nil {
			return err
		}
		v := FromRecord(r)
		if err := field.Text("outcome", notes, MaxOutcome, complete, true); err != nil {
			return err
		}
		ops := &change.Ops{}
		ops.PutIfChanged(r, fOutcome, v.Outcome, notes)
		finishing := complete && v.Status != StatusDone
		if complete {
			if now := s.st.Now(); finishing && now.Before(v.Start) {
				return field.Errorf("status", "the visit starts %s; it can be completed once it has started", v.Start.Format("Mon 2 Jan 15:04 MST"))
			}
			if err := move(r, v, StatusDone, ops); err != nil {
				return err
			}
		}
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			return err
		}
		if _, err := tx.Write(Kind, id, list); err != nil {
			return err
		}
		if !finishing {
			return nil
		}
		return s.toTicket(ctx, tx, author, v, notes)
	})
	if err != nil {
		return Visit{}, err
	}
	return s.Get(id)
}

// toTicket writes a finished visit's work log and outcome note to its ticket inside tx.
func (s *Service) toTicket(ctx context.Context, tx *store.Tx, author string, v Visit, notes string) error {
	tk := s.tickets.Within(tx)
	if _, err := tk.Get(v.TicketID); err != nil {
		return nil // the ticket was deleted: the visit keeps its outcome
	}
	end := v.End
	if now := s.st.Now(); now.Before(end) && now.After(v.Start) {
		end = now // finished early
	}
	minutes := int(end.Sub(v.Start).Round(time.Minute) / time.Minute)
	minutes = max(1, min(minutes, ticket.MaxWorkMinutes))
	when := v.Start.Format("2 Jan")
	if _, err := tk.LogWork(ctx, author, v.TicketID, minutes, truncate("On-site visit at "+v.Site+", "+when, ticket.MaxNote)); err != nil {
		return fmt.Errorf("log the visit's work on its ticket: %w", err)
	}
	body := "Visit at " + v.Site + " (" + when + ") done. Outcome: " + strings.TrimSpace(notes)
	if _, err := tk.Comment(ctx, author, v.TicketID, truncate(body, ticket.MaxComment), true); err != nil {
		return fmt.Errorf("note the visit's outcome on its ticket: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Movable lists the visits of a ticket that a reassignment from technician from should
// offer to move: not cancelled, not done, not yet over.
func (s *Service) Movable(ticketID, from string) ([]Visit, error) {
	list, err := s.ForTicket(ticketID)
	if err != nil {
		return nil, err
	}
	now := s.st.Now()
	out := []Visit{}
	for _, v := range list {
		if v.Technician == from && v.Status != StatusCancelled && v.Status != StatusDone && v.End.After(now) {
			out = append(out, v)
		}
	}
	return out, nil
}

// MoveToTechnician moves the open visits of a ticket that technician from holds to technician
// to (a reassignment or escalation took the ticket to someone else), all in one transaction.
func (s *Service) MoveToTechnician(ctx context.Context, author, ticketID, from, to string) ([]Visit, error) {
	if _, err := s.technician(to); err != nil {
		return nil, err
	}
	list, err := s.Movable(ticketID, from)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return []Visit{}, nil
	}
	_, err = s.st.Update(ctx, author, func(tx *store.Tx) error {
		for _, v := range list {
			r, err := record.Live(tx, Kind, v.ID, ErrNotFound)
			if err != nil {
				return err
			}
			ops := &change.Ops{}
			ops.Put(r, fTechnician, to)
			l, err := ops.List()
			if err != nil {
				return err
			}
			if _, err := tx.Write(Kind, v.ID, l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Visit, 0, len(list))
	for _, v := range list {
		if got, err := s.Get(v.ID); err == nil {
			out = append(out, got)
		}
	}
	return out, nil
}

// TimeOffCollisions lists a technician's visits still to come that fall in their time off,
// so whoever enters the time off sees at once which visits to move.
func (s *Service) TimeOffCollisions(techID string) ([]Visit, error) {
	all, err := s.all()
	if err != nil {
		return nil, err
	}
	now := s.st.Now()
	out := []Visit{}
	for _, v := range all {
		if v.Technician != techID || v.Status == StatusDone || v.Status == StatusCancelled || !v.End.After(now) {
			continue
		}
		d := s.decorate(v, all)
		for _, f := range d.Flags {
			if f.Kind == FlagTimeOff {
				out = append(out, d)
				break
			}
		}
	}
	return out, nil
}
