package coaching

import (
	"context"
	"errors"
	"fmt"
	"time"

	"outpost/backend/change"
	"outpost/backend/field"
	"outpost/backend/person"
	"outpost/backend/sealed"
	"outpost/backend/store"
)

// Errors callers branch on.
var (
	// ErrNotFound is a coaching item that does not exist, was deleted, or is not readable by this person.
	ErrNotFound = errors.New("coaching item not found")
	// ErrNotAllowed is a write by someone who may not make it.
	ErrNotAllowed = errors.New("only a lead or coordinator can write coaching items, and only the lead who wrote an item can change it")
)

// Service reads and writes coaching items as the person bound to this device.
type Service struct {
	st     *store.Store
	people *person.Service
	now    func() time.Time
}

// NewService returns a coaching service on st acting as people's current person.
// now is the wall clock (nil means time.Now); it dates notes and marks overdue actions.
func NewService(st *store.Store, people *person.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, people: people, now: now}
}

// writer returns this device's person when they may write coaching items.
func (s *Service) writer() (person.Person, error) {
	me, _, err := s.people.Current()
	if err != nil {
		return person.Person{}, err
	}
	if !me.Role.CanCoach() {
		return person.Person{}, ErrNotAllowed
	}
	return me, nil
}

// readers returns who an item about techID is sealed to: its author, and the
// technician's people when shared.
func (s *Service) readers(author person.Person, techID string, shared bool) ([]sealed.Reader, error) {
	rs := []sealed.Reader{author.Reader()}
	if !shared {
		return rs, nil
	}
	techs, err := s.people.ForTechnician(techID)
	if err != nil {
		return nil, err
	}
	if len(techs) == 0 {
		return nil, field.Errorf("shared", "this technician has not set up Outpost as a person yet, so there is no key to share with")
	}
	for _, p := range techs {
		rs = append(rs, p.Reader())
	}
	return rs, nil
}

// AddNote, AddGoal and AddAction write a new item about technician techID.
func (s *Service) AddNote(ctx context.Context, techID string, c Content, share bool) (Item, error) {
	c.Type = TypeNote
	return s.add(ctx, techID, c, share)
}

// AddGoal writes a goal for technician techID.
func (s *Service) AddGoal(ctx context.Context, techID string, c Content, share bool) (Item, error) {
	c.Type = TypeGoal
	return s.add(ctx, techID, c, share)
}

// AddAction writes an action item for technician techID.
func (s *Service) AddAction(ctx context.Context, techID string, c Content, share bool) (Item, error) {
	c.Type = TypeAction
	return s.add(ctx, techID, c, share)
}

func (s *Service) add(ctx context.Context, techID string, c Content, share bool) (Item, error) {
	me, err := s.writer()
	if err != nil {
		return Item{}, err
	}
	if !change.ValidName(techID) {
		return Item{}, field.Errorf("technicianId", "choose a technician")
	}
	c.Normalize(s.now())
	if err := c.Validate(); err != nil {
		return Item{}, err
	}
	rs, err := s.readers(me, techID, share)
	if err != nil {
		return Item{}, err
	}
	box, err := seal(c, rs)
	if err != nil {
		return Item{}, fmt.Errorf("add coaching item: %w", err)
	}
	id := store.NewID()
	var rec change.Record
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		ops := change.Ops{}
		ops.Set(fSubject, techID, nil)
		ops.Set(fAuthor, me.ID, nil)
		ops.Set(fSealed, box, nil)
		list, err := ops.List()
		if err != nil {
			return err
		}
		rec, err = tx.Write(Kind, id, list)
		return err
	})
	if err != nil {
		return Item{}, fmt.Errorf("add coaching item: %w", err)
	}
	return s.open(rec)
}

// Update replaces an item's content (its type stays). Saving names every concurrent
// version, so it also settles a conflict.
func (s *Service) Update(ctx context.Context, id string, c Content) (Item, error) {
	return s.edit(ctx, id, func(cur *Content, shared *bool) error {
		c.Type = cur.Type
		if c.Type != TypeAction {
			c.Done = false
		}
		*cur = c
		return nil
	})
}

// SetActionDone ticks or unticks an action item.
func (s *Service) SetActionDone(ctx context.Context, id string, done bool) (Item, error) {
	return s.edit(ctx, id, func(cur *Content, shared *bool) error {
		if cur.Type != TypeAction {
			return field.Errorf("done", "only action items can be ticked done")
		}
		cur.Done = done
		return nil
	})
}

// Share seals the item to the technician as well (true) or to its author only (false).
// Unsharing seals later versions to the lead only; the technician's devices keep the
// versions they could already read.
func (s *Service) Share(ctx context.Context, id string, shared bool) (Item, error) {
	return s.edit(ctx, id, func(cur *Content, sh *bool) error {
		*sh = shared
		return nil
	})
}

// Delete marks an item deleted (a tombstone); its sealed history stays sealed.
func (s *Service) Delete(ctx context.Context, id string) error {
	me, err := s.writer()
	if err != nil {
		return err
	}
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, err := s.writable(tx, me, id)
		if err != nil {
			return err
		}
		op, err := change.Set(change.FieldDeleted, true, r.Heads(change.FieldDeleted))
		if err != nil {
			return err
		}
		_, err = tx.Write(Kind, id, []change.Op{op})
		return err
	})
	if err != nil {
		return fmt.Errorf("delete coaching item: %w", err)
	}
	return nil
}

// writable reads item id for an edit by me: it must exist, be readable and be mine.
func (s *Service) writable(tx *store.Tx, me person.Person, id string) (change.Record, error) {
	r, err := tx.Get(Kind, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && r.Deleted() {
		return r, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return r, err
	}
	var box sealed.Box
	if _, err := r.Get(fSealed, &box); err != nil || !box.Has(me.ID) {
		return r, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if r.String(fAuthor) != me.ID {
		return r, ErrNotAllowed
	}
	return r, nil
}

// edit opens item id, lets fn change its content and sharing, and seals the result
// again as one write naming every head of the sealed register.
func (s *Service) edit(ctx context.Context, id string, fn func(cur *Content, shared *bool) error) (Item, error) {
	me, err := s.writer()
	if err != nil {
		return Item{}, err
	}
	_, key, err := s.people.Current()
	if err != nil {
		return Item{}, err
	}
	var rec change.Record
	_, err = s.st.Update(ctx, me.Name, func(tx *store.Tx) error {
		r, err := s.writable(tx, me, id)
		if err != nil {
			return err
		}
		var box sealed.Box
		if _, err := r.Get(fSealed, &box); err != nil {
			return err
		}
		var cur Content
		if err := box.Open(key, &cur); err != nil {
			return fmt.Errorf("open coaching item %s: %w", id, err)
		}
		shared := isShared(box, me.ID)
		if err := fn(&cur, &shared); err != nil {
			return err
		}
		cur.Normalize(s.now())
		if err := cur.Validate(); err != nil {
			return err
		}
		rs, err := s.readers(me, r.String(fSubject), shared)
		if err != nil {
			return err
		}
		next, err := seal(cur, rs)
		if err != nil {
			return err
		}
		op, err := change.Set(fSealed, next, r.Heads(fSealed))
		if err != nil {
			return err
		}
		rec, err = tx.Write(Kind, id, []change.Op{op})
		return err
	})
	if err != nil {
		return Item{}, fmt.Errorf("change coaching item: %w", err)
	}
	return s.open(rec)
}

// seal seals c to rs; content too large to seal is the body's fault, named as such.
func seal(c Content, rs []sealed.Reader) (sealed.Box, error) {
	box, err := sealed.Seal(c, rs)
	if errors.Is(err, sealed.ErrTooLarge) {
		return box, field.Errorf("body", "is too long to seal: keep one item under %d KB", sealed.MaxPlaintext>>10)
	}
	return box, err
}

func isShared(box sealed.Box, author string) bool {
	for _, r := range box.Readers {
		if r != author {
			return true
		}
	}
	return false
}
