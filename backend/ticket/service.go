package ticket

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// ErrNotFound reports a ticket that does not exist (or was deleted).
var ErrNotFound = errors.New("ticket not found")

// Service performs ticket actions as single durable store transactions.
type Service struct {
	st     *store.Store
	matrix func() Matrix
	tx     *store.Tx                         // set by Within: actions join this transaction instead of committing their own
	guard  func(Ticket, EscalateInput) error // set by GuardEscalation: checks run before an escalation
	codes  func(string) (bool, error)        // set by CheckCodes: the team's resolution codes
}

// NewService returns a ticket service on st; matrix supplies the team's priority
// matrix (nil means DefaultMatrix).
func NewService(st *store.Store, matrix func() Matrix) *Service {
	if matrix == nil {
		matrix = DefaultMatrix
	}
	return &Service{st: st, matrix: matrix}
}

// Get returns one ticket.
func (s *Service) Get(id string) (Ticket, error) {
	rec, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Ticket{}, err
	}
	return s.withMerged(FromRecord(rec))
}

// Create opens a ticket with a number that no other device can hand out.
func (s *Service) Create(ctx context.Context, author string, in NewTicket) (Ticket, error) {
	ts, err := s.CreateBatch(ctx, author, []NewTicket{in})
	if err != nil {
		return Ticket{}, err
	}
	return ts[0], nil
}

// CreateBatch opens several tickets as one action (an import): all are validated
// first, and either all are written or none.
func (s *Service) CreateBatch(ctx context.Context, author string, ins []NewTicket) ([]Ticket, error) {
	prios := make([]int, len(ins))
	for i := range ins {
		ins[i].Normalize()
		if err := ins[i].Validate(); err != nil {
			if len(ins) > 1 {
				return nil, fmt.Errorf("ticket %d: %w", i+1, err)
			}
			return nil, err
		}
		p, err := s.matrix().Priority(ins[i].Impact, ins[i].Urgency)
		if err != nil {
			return nil, err
		}
		prios[i] = p
	}
	out := make([]Ticket, 0, len(ins))
	err := s.update(ctx, author, func(tx *store.Tx) error {
		for i, in := range ins {
			if err := requesterLive(tx, in.RequesterID); err != nil {
				return err
			}
			n, err := tx.Next(Kind)
			if err != nil {
				return err
			}
			ops := newTicketOps(tx.DeviceTag()+"-"+strconv.FormatUint(n, 10), in, prios[i])
			list, err := ops.List()
			if err != nil {
				return err
			}
			rec, err := tx.Write(Kind, store.NewID(), list)
			if err != nil {
				return err
			}
			out = append(out, FromRecord(rec))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create ticket: %w", err)
	}
	return out, nil
}

// Patch changes some of a ticket's descriptive fields; nil means unchanged.
type Patch struct {
	Title       *string    `json:"title,omitempty"`
	Description *string    `json:"description,omitempty"`
	Requester   *Requester `json:"requester,omitempty"`
	RequesterID *string    `json:"requesterId,omitempty"` // "" unlinks the ticket from the directory
	Category    *string    `json:"category,omitempty"`
	Impact      *Level     `json:"impact,omitempty"`
	Urgency     *Level     `json:"urgency,omitempty"`
	Source      *Source    `json:"source,omitempty"`
	Tags        *[]string  `json:"tags,omitempty"`
}

// Update applies a patch. A changed impact or urgency recomputes the priority
// unless a person has overridden it.
func (s *Service) Update(ctx context.Context, author, id string, p Patch) (Ticket, error) {
	return s.editTx(ctx, author, id, true, func(tx *store.Tx, r change.Record, t Ticket, ops *change.Ops) error {
		in := NewTicket{Title: t.Title, Description: t.Description, Requester: t.Requester, RequesterID: t.RequesterID,
			Category: t.Category, Impact: t.Impact, Urgency: t.Urgency, Source: t.Source, Tags: t.Tags}
		if p.Title != nil {
			in.Title = *p.Title
		}
		if p.Description != nil {
			in.Description = *p.Description
		}
		if p.Requester != nil {
			in.Requester = *p.Requester
		}
		if p.RequesterID != nil {
			in.RequesterID = *p.RequesterID
		}
		if p.Category != nil {
			in.Category = *p.Category
		}
		if p.Impact != nil {
			in.Impact = *p.Impact
		}
		if p.Urgency != nil {
			in.Urgency = *p.Urgency
		}
		if p.Source != nil {
			in.Source = *p.Source
		}
		if p.Tags != nil {
			in.Tags = *p.Tags
		}
		in.Normalize()
		if err := in.Validate(); err != nil {
			return err
		}
		ops.PutIfChanged(r, fTitle, t.Title, in.Title)
		ops.PutIfChanged(r, fDescription, t.Description, in.Description)
		if in.Requester != t.Requester {
			ops.Put(r, fRequester, in.Requester)
		}
		if in.RequesterID != t.RequesterID {
			if err := requesterLive(tx, in.RequesterID); err != nil {
				return err
			}
			ops.Put(r, fRequesterID, in.RequesterID)
		}
		ops.PutIfChanged(r, fCategory, t.Category, in.Category)
		ops.PutIfChanged(r, fImpact, string(t.Impact), string(in.Impact))
		ops.PutIfChanged(r, fUrgency, string(t.Urgency), string(in.Urgency))
		ops.PutIfChanged(r, fSource, string(t.Source), string(in.Source))
		if (in.Impact != t.Impact || in.Urgency != t.Urgency) && !t.PriorityOverride {
			prio, err := s.matrix().Priority(in.Impact, in.Urgency)
			if err != nil {
				return err
			}
			if prio != t.Priority {
				ops.Put(r, fPriority, prio)
			}
		}
		if p.Tags != nil {
			ops.SyncSet(r, fTags, in.Tags)
		}
		return nil
	})
}

// OverridePriority sets a priority other than the matrix gives, with the reason recorded.
// Priority 0 removes the override and returns to the matrix.
func (s *Service) OverridePriority(ctx context.Context, author, id string, priority int, reason string) (Ticket, error) {
	return s.edit(ctx, author, id, func(r change.Record, t Ticket, ops *change.Ops) error {
		if priority == 0 {
			prio, err := s.matrix().Priority(t.Impact, t.Urgency)
			if err != nil {
				return err
			}
			ops.Put(r, fOverride, false)
			ops.Put(r, fPriority, prio)
			return nil
		}
		if priority < 1 || priority > 5 {
			return field.Errorf("priority", "must be from 1 to 5")
		}
		if err := field.Text("reason", reason, MaxNote, true, true); err != nil {
			return err
		}
		ops.Put(r, fOverride, true)
		ops.Put(r, fPriority, priority)
		ops.Append(fComments, Comment{Body: "Priority set to P" + strconv.Itoa(priority) + ": " + reason, Internal: true})
		return nil
	})
}

// Transition moves a ticket along its lifecycle; illegal moves are refused. A note becomes an internal comment.
func (s *Service) Transition(ctx context.Context, author, id string, to Status, note string) (Ticket, error) {
	return s.edit(ctx, author, id, func(r change.Record, t Ticket, ops *change.Ops) error {
		if !to.Valid() {
			return field.Errorf("status", "unknown status %q", to)
		}
		if !t.Status.CanMoveTo(to) {
			return field.Errorf("status", "a %s ticket cannot move to %s", t.Status, to)
		}
		if to == StatusResolved {
			return field.Errorf("code", "choose how it was resolved (a resolution code) and say what fixed it")
		}
		if err := field.Text("note", note, MaxComment, false, true); err != nil {
			return err
		}
		ops.Put(r, fStatus, to)
		if strings.TrimSpace(note) != "" {
			ops.Append(fComments, Comment{Body: note, Internal: true})
		}
		return nil
	})
}

// Assign gives the ticket to a technician ("" unassigns). A new or reopened ticket becomes assigned.
func (s *Service) Assign(ctx context.Context, author, id, assignee string) (Ticket, error) {
	return s.edit(ctx, author, id, func(r change.Record, t Ticket, ops *change.Ops) error {
		if err := field.Text("assignee", assignee, MaxShort, false, false); err != nil {
			return err
		}
		if assignee == t.Assignee {
			return nil
		}
		ops.Put(r, fAssignee, assignee)
		if assignee != "" && (t.Status == StatusNew || t.Status == StatusReopened) {
			ops.Put(r, fStatus, StatusAssigned)
		}
		return nil
	})
}

// EscalateInput is what a technician hands over when escalating.
type EscalateInput struct {
	ToTier   int    `json:"toTier"`
	To       string `json:"to"` // technician at the new tier, or "" for that tier's queue
	Reason   string `json:"reason"`
	Handover string `json:"handover"`
	// Checklist holds the items of the category's escalation path the technician confirmed, by item ID.
	Checklist map[string]bool `json:"checklist,omitempty"`
}

// MinHandover is the shortest handover note accepted: an escalation without notes is a bad escalation.
const MinHandover = 20

// Escalate moves the ticket up a tier and records who, when, why and what was handed over.
func (s *Service) Escalate(ctx context.Context, author, id string, in EscalateInput) (Ticket, error) {
	return s.edit(ctx, author, id, func(r change.Record, t Ticket, ops *change.Ops) error {
		if !t.Status.Open() {
			return field.Errorf("status", "a %s ticket cannot be escalated; reopen it first", t.Status)
		}
		if in.ToTier <= t.Tier || in.ToTier > 3 {
			return field.Errorf("toTier", "must be above the current tier %d and at most 3", t.Tier)
		}
		if err := field.First(
			field.Text("reason", in.Reason, MaxNote, true, true),
			field.Text("handover", in.Handover, MaxComment, true, true),
			field.Text("to", in.To, MaxShort, false, false),
		); err != nil {
			return err
		}
		if len([]rune(strings.TrimSpace(in.Handover))) < MinHandover {
			return field.Errorf("handover", "needs at least %d characters: say what was tried and what the next tier needs to know", MinHandover)
		}
		if s.guard != nil {
			if err := s.guard(t, in); err != nil {
				return err
			}
		}
		ops.Put(r, fTier, in.ToTier)
		ops.Append(fEscalations, Escalation{FromTier: t.Tier, ToTier: in.ToTier, To: in.To, Reason: in.Reason, Handover: in.Handover, Checklist: in.Checklist})
		if in.To != t.Assignee {
			ops.Put(r, fAssignee, in.To)
		}
		next := StatusNew
		if in.To != "" {
			next = StatusAssigned
		}
		if t.Status != next {
			ops.Put(r, fStatus, next)
		}
		return nil
	})
}

// Comment adds a comment.
func (s *Service) Comment(ctx context.Context, author, id, body string, internal bool) (Ticket, error) {
	return s.edit(ctx, author, id, func(_ change.Record, _ Ticket, ops *change.Ops) error {
		if err := field.Text("comment", body, MaxComment, true, true); err != nil {
			return err
		}
		ops.Append(fComments, Comment{Body: body, Internal: internal})
		return nil
	})
}

// LogWork records minutes spent on the ticket.
func (s *Service) LogWork(ctx context.Context, author, id string, minutes int, note string) (Ticket, error) {
	return s.edit(ctx, author, id, func(_ change.Record, _ Ticket, ops *change.Ops) error {
		if minutes < 1 || minutes > MaxWorkMinutes {
			return field.Errorf("minutes", "must be from 1 to %d", MaxWorkMinutes)
		}
		if err := field.Text("note", note, MaxNote, false, true); err != nil {
			return err
		}
		ops.Append(fWorkLogs, WorkLog{Minutes: minutes, Note: note})
		return nil
	})
}

// Link relates the ticket to another one.
func (s *Service) Link(ctx context.Context, author, id string, l Link) (Ticket, error) {
	if _, err := s.Get(l.Target); err != nil {
		return Ticket{}, field.Errorf("target", "no ticket %q", l.Target)
	}
	return s.edit(ctx, author, id, func(r change.Record, _ Ticket, ops *change.Ops) error {
		switch l.Type {
		case LinkDuplicateOf, LinkRelated, LinkParent, LinkChild:
		default:
			return field.Errorf("type", "must be duplicate-of, related, parent or child")
		}
		if l.Target == id {
			return field.Errorf("target", "a ticket cannot link to itself")
		}
		ops.Add(fLinks, string(l.Type)+":"+l.Target)
		return nil
	})
}

// Unlink removes a link.
func (s *Service) Unlink(ctx context.Context, author, id string, l Link) (Ticket, error) {
	return s.edit(ctx, author, id, func(r change.Record, _ Ticket, ops *change.Ops) error {
		ops.Remove(r, fLinks, string(l.Type)+":"+l.Target)
		return nil
	})
}

// ResolveConflict settles a concurrent edit of fieldName by keeping the value of
// write (one of the conflicting writes); the new write names every head.
func (s *Service) ResolveConflict(ctx context.Context, author, id, fieldName, write string) (Ticket, error) {
	return s.editHere(ctx, author, id, func(r change.Record, _ Ticket, ops *change.Ops) error {
		f, ok := r.Fields[fieldName]
		if !ok || len(f.Conflict) == 0 {
			return field.Errorf(fieldName, "has no concurrent edit to resolve")
		}
		for _, w := range append([]change.Write{f.Write}, f.Conflict...) {
			if w.ID.String() == write {
				ops.Raw(change.Op{Op: change.OpSet, Field: fieldName, Value: w.Value, Replaces: f.Heads})
				return nil
			}
		}
		return field.Errorf(fieldName, "write %s is not one of the concurrent values", write)
	})
}

// Delete marks the ticket deleted (a tombstone; its history stays).
func (s *Service) Delete(ctx context.Context, author, id string) error {
	_, err := s.editHere(ctx, author, id, func(r change.Record, _ Ticket, ops *change.Ops) error {
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	return err
}

// edit runs fn against the current record inside one transaction and writes the ops it gathers.
// An edit of a ticket that was merged into another follows it there.
func (s *Service) edit(ctx context.Context, author, id string, fn func(change.Record, Ticket, *change.Ops) error) (Ticket, error) {
	return s.editAt(ctx, author, id, true, fn)
}

// editHere is edit on the ticket itself, merged or not (settling its conflicts, deleting it).
func (s *Service) editHere(ctx context.Context, author, id string, fn func(change.Record, Ticket, *change.Ops) error) (Ticket, error) {
	return s.editAt(ctx, author, id, false, fn)
}

func (s *Service) editAt(ctx context.Context, author, id string, follow bool, fn func(change.Record, Ticket, *change.Ops) error) (Ticket, error) {
	return s.editTx(ctx, author, id, follow, func(_ *store.Tx, r change.Record, t Ticket, ops *change.Ops) error { return fn(r, t, ops) })
}

// editTx is editAt for an action that reads other records in the same transaction.
func (s *Service) editTx(ctx context.Context, author, id string, follow bool, fn func(*store.Tx, change.Record, Ticket, *change.Ops) error) (Ticket, error) {
	var out change.Record
	err := s.update(ctx, author, func(tx *store.Tx) error {
		r, err := record.Live(tx, Kind, id, ErrNotFound)
		if err != nil {
			return err
		}
		if to, err := mergedTarget(tx, r); err != nil {
			return err
		} else if follow && to != "" {
			id = to
			if r, err = record.Live(tx, Kind, id, ErrNotFound); err != nil {
				return err
			}
		}
		ops := &change.Ops{}
		if err := fn(tx, r, FromRecord(r), ops); err != nil {
			return err
		}
		list, err := ops.List()
		if err != nil {
			return err
		}
		if len(list) == 0 {
			out = r
			return nil
		}
		events, err := timelineOps(r, FromRecord(r), author, list)
		if err != nil {
			return err
		}
		out, err = tx.Write(Kind, id, append(list, events...))
		return err
	})
	if err != nil {
		return Ticket{}, err
	}
	return s.withMerged(FromRecord(out))
}

// History lists every change to the ticket, field by field, with concurrent edits
// marked, and those left out of the ticket because their author may not make them
// marked with why.
func (s *Service) History(id string) ([]change.Entry, error) {
	rec, err := s.st.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	cs, err := s.st.History(Kind, id)
	if err != nil {
		return nil, err
	}
	refused, err := s.st.RefusedOf(Kind, id)
	if err != nil {
		return nil, err
	}
	entries := change.History(cs, rec)
	if len(refused) > 0 {
		why := map[string]string{}
		for id, reason := range refused {
			why[id.String()] = reason
		}
		for i := range entries {
			entries[i].Refused = why[entries[i].Write]
		}
	}
	return entries, nil
}

// newTicketOps are the writes that open ticket in, numbered number, at priority prio.
func newTicketOps(number string, in NewTicket, prio int) change.Ops {
	ops := change.Ops{}
	ops.Set(fNumber, number, nil)
	ops.Set(fTitle, in.Title, nil)
	ops.Set(fDescription, in.Description, nil)
	ops.Set(fRequester, in.Requester, nil)
	if in.RequesterID != "" {
		ops.Set(fRequesterID, in.RequesterID, nil)
	}
	ops.Set(fCategory, in.Category, nil)
	ops.Set(fImpact, in.Impact, nil)
	ops.Set(fUrgency, in.Urgency, nil)
	ops.Set(fPriority, prio, nil)
	ops.Set(fStatus, StatusNew, nil)
	ops.Set(fTier, 1, nil)
	ops.Set(fSource, in.Source, nil)
	for _, t := range in.Tags {
		ops.Add(fTags, t)
	}
	return ops
}
