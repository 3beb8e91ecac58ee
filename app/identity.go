package app

import (
	"outpost/backend/coaching"
	"outpost/backend/person"
)

// openPeople reads who uses this device and starts the services that act as that person.
func (a *App) openPeople() error {
	ppl, err := person.NewService(a.st, person.Options{Dir: a.cfg.DataDir})
	if err != nil {
		return err
	}
	a.people = ppl
	a.coaching = coaching.NewService(a.st, ppl, nil)
	a.Identity = &IdentityService{a: a}
	a.Coaching = &CoachingService{a: a}
	return nil
}

// IdentityService is who uses this device, as bound to the UI.
type IdentityService struct{ a *App }

// Me returns the person bound to this device ({"set": false} until one is set up).
func (s *IdentityService) Me() (person.Me, error) {
	me, err := s.a.people.Me()
	return me, s.a.userError("who am I", err)
}

// SetUp creates this device's person (a new key) or updates their name, role and technician profile.
func (s *IdentityService) SetUp(name string, role person.Role, technicianID string) (person.Person, error) {
	p, err := s.a.people.SetUp(s.a.ctx, person.Profile{Name: name, Role: role, TechnicianID: technicianID})
	return p, s.a.userError("set up person", err)
}

// Export returns this person's identity protected by passphrase, for their other device.
func (s *IdentityService) Export(passphrase string) (string, error) {
	text, err := s.a.people.Export(passphrase)
	return text, s.a.userError("export identity", err)
}

// Import binds this device to the person in an exported identity.
func (s *IdentityService) Import(text, passphrase string) (person.Me, error) {
	me, err := s.a.people.Import(text, passphrase)
	return me, s.a.userError("import identity", err)
}

// People lists the team's people.
func (s *IdentityService) People() ([]person.Person, error) {
	ps, err := s.a.people.People()
	if ps == nil {
		ps = []person.Person{}
	}
	return ps, s.a.userError("list people", err)
}
