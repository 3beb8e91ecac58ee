package requester

import (
	"context"
	"fmt"
	"slices"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// Merge folds requester from into requester into, as one action: from's addresses move to
// into, fields into leaves empty take from's values (VIP if either is), from's tickets are
// relinked to into, and from stays in the log as merged into it (a tombstone naming into).
func (s *Service) Merge(ctx context.Context, author, from, into string) (Requester, error) {
	if from == into {
		return Requester{}, field.Errorf("into", "choose another requester to merge into")
	}
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		src, err := record.Live(tx, Kind, from, ErrNotFound)
		if err != nil {
			return err
		}
		dst, err := record.Live(tx, Kind, into, ErrNotFound)
		if err != nil {
			return field.Errorf("into", "no requester %q in the directory", into)
		}
		if out, err = tx.Write(Kind, into, mergedOps(FromRecord(src), dst)); err != nil {
			return err
		}
		gone := &change.Ops{}
		for _, e := range src.Members(fEmails) {
			gone.Remove(src, fEmails, e)
		}
		gone.Put(src, fMergedInto, into)
		gone.Put(src, change.FieldDeleted, true)
		list, _ := gone.List()
		if _, err := tx.Write(Kind, from, list); err != nil {
			return err
		}
		return s.relink(ctx, tx, from, into)
	})
	if err != nil {
		return Requester{}, fmt.Errorf("merge requesters: %w", err)
	}
	return FromRecord(out), nil
}

// mergedOps are the writes that give dst what src brings.
func mergedOps(src Requester, dst change.Record) []change.Op {
	ops := &change.Ops{}
	have := dst.Members(fEmails)
	for _, e := range src.Emails {
		if !slices.Contains(have, e) {
			ops.Add(fEmails, e)
		}
	}
	for _, f := range []struct{ name, v string }{
		{fPhone, src.Phone}, {fSite, src.Site}, {fDepartment, src.Department}, {fNotes, src.Notes},
	} {
		if f.v != "" && dst.String(f.name) == "" {
			ops.Put(dst, f.name, f.v)
		}
	}
	if src.VIP && !dst.Bool(fVIP) {
		ops.Put(dst, fVIP, true)
	}
	list, _ := ops.List()
	return list
}

// relink moves every ticket linked to requester from over to requester into, inside tx.
func (s *Service) relink(ctx context.Context, tx *store.Tx, from, into string) error {
	s.idx.mu.Lock()
	err := s.idx.fresh(s.st, tx)
	ids := s.idx.ticketsOf(from)
	s.idx.mu.Unlock()
	if err != nil {
		return err
	}
	slices.Sort(ids)
	within := s.tickets.Within(tx)
	for _, id := range ids {
		r, err := tx.Get(ticket.Kind, id)
		if record.Gone(r, err) || r.String(ticket.FieldRequesterID) != from {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := within.SetRequester(ctx, tx.Author(), id, into); err != nil {
			return fmt.Errorf("relink ticket %s: %w", id, err)
		}
	}
	return nil
}
