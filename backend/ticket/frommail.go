package ticket

import (
	"context"
	"fmt"
	"strconv"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// fRating holds the requester's satisfaction rating (1-5), given by replying to the
// resolution notice.
const fRating = "rating"

// OpenWithID opens a ticket whose ID and number derive from its source (a mail), so
// that every device that opens it for the same source writes the same record, with
// the same values, and the copies merge into one. A ticket that exists is returned
// as it is and nothing is written; opened says whether this call wrote it.
func (s *Service) OpenWithID(ctx context.Context, author, id, number string, in NewTicket) (t Ticket, opened bool, err error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return Ticket{}, false, err
	}
	if err := field.Text("number", number, MaxShort, true, false); err != nil {
		return Ticket{}, false, err
	}
	prio, err := s.matrix().Priority(in.Impact, in.Urgency)
	if err != nil {
		return Ticket{}, false, err
	}
	err = s.update(ctx, author, func(tx *store.Tx) error {
		r, err := tx.Get(Kind, id)
		if err == nil {
			t = FromRecord(r)
			return nil
		}
		if !record.Gone(r, err) {
			return err
		}
		if err := requesterLive(tx, in.RequesterID); err != nil {
			return err
		}
		ops := newTicketOps(number, in, prio)
		list, err := ops.List()
		if err != nil {
			return err
		}
		rec, err := tx.Write(Kind, id, list)
		t, opened = FromRecord(rec), true
		return err
	})
	if err != nil {
		return Ticket{}, false, fmt.Errorf("open ticket: %w", err)
	}
	return t, opened, nil
}

// ReopenByReply reopens a resolved or closed ticket because its requester answered;
// a ticket in any other state is left as it is. It reports whether it reopened.
func (s *Service) ReopenByReply(ctx context.Context, author, id string) (bool, error) {
	reopened := false
	_, err := s.edit(ctx, author, id, func(r change.Record, t Ticket, ops *change.Ops) error {
		if t.Status == StatusResolved || t.Status == StatusClosed {
			ops.Put(r, fStatus, StatusReopened)
			reopened = true
		}
		return nil
	})
	return reopened, err
}

// Rate records the requester's satisfaction rating, 1 to 5.
func (s *Service) Rate(ctx context.Context, author, id string, rating int) (Ticket, error) {
	if rating < 1 || rating > 5 {
		return Ticket{}, field.Errorf("rating", "must be from 1 to 5, not %s", strconv.Itoa(rating))
	}
	return s.edit(ctx, author, id, func(r change.Record, _ Ticket, ops *change.Ops) error {
		record.PutChanged(ops, r, fRating, rating)
		return nil
	})
}
