package coaching

import (
	"context"
	"errors"
	"fmt"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/sealed"
	"outpost/backend/core/store"
	"outpost/backend/person"
	"outpost/backend/private"
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
	items  *private.Items[Content, *Content]
	people *person.Service
	now    func() time.Time
}

// NewService returns a coaching service on st acting as people's current person.
// now is the wall clock (nil means time.Now); it dates notes and marks overdue actions.
func NewService(st *store.Store, people *person.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	items := private.New[Content](st, people, now, private.Kind{
		Kind:       Kind,
		Noun:       "coaching item",
		Missing:    func(id string) error { return fmt.Errorf("%w: %s", ErrNotFound, id) },
		NotAllowed: ErrNotAllowed,
		// Content too large to seal is the body's fault, named as such.
		TooLarge: field.Errorf("body", "is too long to seal: keep one item under %d KB", sealed.MaxPlaintext>>10),
	})
	return &Service{items: items, people: people, now: now}
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
	rec, err := s.items.Create(ctx, techID, c, share)
	if err != nil {
		return Item{}, err
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
		keepFiles(cur, c)
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
	me, err := s.items.Writer()
	if err != nil {
		return err
	}
	if err := s.items.Delete(ctx, me, id); err != nil {
		return fmt.Errorf("delete coaching item: %w", err)
	}
	return nil
}

// edit opens item id, lets fn change its content and sharing, and seals the result
// again as one write naming every head of the sealed register.
func (s *Service) edit(ctx context.Context, id string, fn func(cur *Content, shared *bool) error) (Item, error) {
	rec, err := s.items.Edit(ctx, id, fn)
	if err != nil {
		return Item{}, err
	}
	return s.open(rec)
}
