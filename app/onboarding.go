package app

import "outpost/backend/onboarding"

// OnboardingService is the onboarding checklists screen, as bound to the UI.
type OnboardingService struct{ a *App }

// Templates returns the checklist of every role.
func (s *OnboardingService) Templates() ([]onboarding.Template, error) {
	ts, err := s.a.lead.onboarding.Templates()
	return ts, s.a.userError("onboarding templates", err)
}

// SaveTemplate replaces a role's checklist.
func (s *OnboardingService) SaveTemplate(role string, items []onboarding.TemplateItem) (onboarding.Template, error) {
	t, err := s.a.lead.onboarding.SaveTemplate(s.a.ctx, s.a.me(), role, items)
	return t, s.a.userError("save onboarding template", err)
}

// Start instantiates a role's checklist for a new team member.
func (s *OnboardingService) Start(in onboarding.StartInput) (onboarding.Checklist, error) {
	c, err := s.a.lead.onboarding.Start(s.a.ctx, s.a.me(), in)
	return c, s.a.userError("start onboarding", err)
}

// Tick sets one item done or not, with an optional note.
func (s *OnboardingService) Tick(id, itemID string, done bool, note string) (onboarding.Checklist, error) {
	c, err := s.a.lead.onboarding.Tick(s.a.ctx, s.a.me(), id, itemID, done, note)
	return c, s.a.userError("tick onboarding item", err)
}

// AddItem adds an item to one person's checklist.
func (s *OnboardingService) AddItem(id string, section onboarding.Section, text string) (onboarding.Checklist, error) {
	c, err := s.a.lead.onboarding.AddItem(s.a.ctx, s.a.me(), id, section, text)
	return c, s.a.userError("add onboarding item", err)
}

// List returns every checklist, least complete first.
func (s *OnboardingService) List() ([]onboarding.Checklist, error) {
	cs, err := s.a.lead.onboarding.List()
	return cs, s.a.userError("list onboarding", err)
}

// Get returns one checklist.
func (s *OnboardingService) Get(id string) (onboarding.Checklist, error) {
	c, err := s.a.lead.onboarding.Get(id)
	return c, s.a.userError("get onboarding", err)
}

// Delete removes a checklist.
func (s *OnboardingService) Delete(id string) error {
	return s.a.userError("delete onboarding", s.a.lead.onboarding.Delete(s.a.ctx, s.a.me(), id))
}
