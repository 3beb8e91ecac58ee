package app

import (
	"encoding/json"

	"outpost/backend/view"
)

// ViewService keeps the queue views the person on this device saves; they follow
// the person to their other devices. Before a person is set up on this device the
// views belong to the device.
type ViewService struct {
	a   *App
	svc *view.Service
}

// owner is whose views this device shows: its person's, else its own.
func (s *ViewService) owner() string {
	if s.a.people != nil {
		if p, _, err := s.a.people.Current(); err == nil {
			return p.ID
		}
	}
	return s.a.st.Device().ID
}

// List returns this person's saved views, by name.
func (s *ViewService) List() ([]view.View, error) {
	vs, err := s.svc.List(s.owner())
	return vs, s.a.userError("list views", err)
}

// Save stores the queue filter as a view called name, replacing a view of that name.
func (s *ViewService) Save(name string, filter json.RawMessage) (view.View, error) {
	v, err := s.svc.Save(s.a.ctx, s.a.me(), s.owner(), name, filter)
	return v, s.a.userError("save view", err)
}

// Remove deletes one of this person's views.
func (s *ViewService) Remove(id string) error {
	return s.a.userError("remove view", s.svc.Remove(s.a.ctx, s.a.me(), s.owner(), id))
}
