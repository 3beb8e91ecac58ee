package ticket

import (
	"context"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
)

// fResolution holds the resolution code a ticket was last resolved with.
const fResolution = "resolution"

// fResolutionNote holds what fixed it, written with the code.
const fResolutionNote = "resolutionNote"

// MinResolutionNote is the shortest resolution note accepted: "ok" says nothing.
const MinResolutionNote = 5

// CheckCodes sets how Resolve tells a known resolution code (the team's list); without
// it any non-empty code is taken.
func (s *Service) CheckCodes(known func(code string) (bool, error)) { s.codes = known }

// Resolve moves the ticket to resolved with a resolution code and a note saying what
// fixed it; both are required, since reports and trends count them.
func (s *Service) Resolve(ctx context.Context, author, id, code, note string) (Ticket, error) {
	code, note = strings.TrimSpace(code), strings.TrimSpace(note)
	if code == "" {
		return Ticket{}, field.Errorf("code", "choose how it was resolved")
	}
	if s.codes != nil {
		ok, err := s.codes(code)
		if err != nil {
			return Ticket{}, err
		}
		if !ok {
			return Ticket{}, field.Errorf("code", "%q is not one of the team's resolution codes", code)
		}
	}
	if err := field.Text("note", note, MaxComment, true, true); err != nil {
		return Ticket{}, err
	}
	if len([]rune(note)) < MinResolutionNote {
		return Ticket{}, field.Errorf("note", "say what fixed it (at least %d characters)", MinResolutionNote)
	}
	return s.edit(ctx, author, id, func(r change.Record, t Ticket, ops *change.Ops) error {
		if !t.Status.CanMoveTo(StatusResolved) {
			return field.Errorf("status", "a %s ticket cannot be resolved", t.Status)
		}
		ops.Put(r, fStatus, StatusResolved)
		ops.Put(r, fResolution, code)
		ops.Put(r, fResolutionNote, note)
		return nil
	})
}
