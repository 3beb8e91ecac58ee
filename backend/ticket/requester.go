package ticket

import (
	"context"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// RequesterKind is the record kind of the requester directory (backend/requester), named
// here so a ticket can check that the requester it links to exists.
const RequesterKind = "requester"

// FieldRequesterID is the ticket's register naming its requester record: what an index of
// the directory peeks at.
const FieldRequesterID = fRequesterID

// requesterLive checks that the requester id ("" for none) is in the directory.
func requesterLive(g record.Getter, id string) error {
	if id == "" {
		return nil
	}
	r, err := g.Get(RequesterKind, id)
	if record.Gone(r, err) {
		return field.Errorf("requesterId", "no requester %q in the directory", id)
	}
	return err
}

// SetRequester links the ticket to requester requesterID of the directory ("" unlinks it),
// checking only that the requester exists: the migration of older tickets and the merging of
// two requesters relink tickets whose other fields it leaves as they are. A ticket already
// linked so is not written.
func (s *Service) SetRequester(ctx context.Context, author, id, requesterID string) (Ticket, error) {
	requesterID = strings.TrimSpace(requesterID)
	return s.editTx(ctx, author, id, false, func(tx *store.Tx, r change.Record, t Ticket, ops *change.Ops) error {
		if t.RequesterID == requesterID {
			return nil
		}
		if err := requesterLive(tx, requesterID); err != nil {
			return err
		}
		ops.Put(r, fRequesterID, requesterID)
		return nil
	})
}
