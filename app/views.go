package app

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"outpost/backend/view"
)

// ViewService keeps the queue views the person on this device saves; they follow
// the person to their other devices. Views saved before a person is set up on this
// device belong to the device, and are still listed here afterwards.
type ViewService struct {
	a   *App
	svc *view.Service
}

// owner is whose views this device saves: its person's, else its own.
func (s *ViewService) owner() string {
	if s.a.people != nil {
		if p, _, err := s.a.people.Current(); err == nil {
			return p.ID
		}
	}
	return s.a.st.Device().ID
}

// List returns this person's saved views, by name, and the views saved on this
// device before a person was set up here, unless the person has one of that name.
func (s *ViewService) List() ([]view.View, error) {
	owner, device := s.owner(), s.a.st.Device().ID
	vs, err := s.svc.List(owner)
	if err == nil && owner != device {
		var early []view.View
		if early, err = s.svc.List(device); err == nil {
			for _, v := range early {
				if !slices.ContainsFunc(vs, func(o view.View) bool { return strings.EqualFold(o.Name, v.Name) }) {
					vs = append(vs, v)
				}
			}
			slices.SortFunc(vs, func(a, b view.View) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		}
	}
	return vs, s.a.userError("list views", err)
}

// Save stores the queue filter as a view called name, replacing a view of that name.
func (s *ViewService) Save(name string, filter json.RawMessage) (view.View, error) {
	v, err := s.svc.Save(s.a.ctx, s.a.me(), s.owner(), name, filter)
	return v, s.a.userError("save view", err)
}

// Remove deletes one of this person's views, or of this device's early ones.
func (s *ViewService) Remove(id string) error {
	err := s.svc.Remove(s.a.ctx, s.a.me(), s.owner(), id)
	if device := s.a.st.Device().ID; errors.Is(err, view.ErrNotFound) && s.owner() != device {
		err = s.svc.Remove(s.a.ctx, s.a.me(), device, id)
	}
	return s.a.userError("remove view", err)
}
