package app

import "outpost/backend/directory"

// DirectoryService is the contact directory, vendor agreements and vendor cases, as bound to the UI.
type DirectoryService struct{ a *App }

// Contacts lists contacts of a type ("" for all).
func (s *DirectoryService) Contacts(typ directory.ContactType) ([]directory.Contact, error) {
	cs, err := s.a.lead.directory.Contacts(typ)
	return cs, s.a.userError("list contacts", err)
}

// SaveContact creates (id "") or changes a contact.
func (s *DirectoryService) SaveContact(id string, in directory.ContactInput) (directory.Contact, error) {
	c, err := s.a.lead.directory.SaveContact(s.a.ctx, s.a.me(), id, in)
	return c, s.a.userError("save contact", err)
}

// Agreements lists vendor support agreements with their expiry flags.
func (s *DirectoryService) Agreements() ([]directory.Agreement, error) {
	as, err := s.a.lead.directory.Agreements()
	return as, s.a.userError("list agreements", err)
}

// SaveAgreement creates (id "") or changes a vendor support agreement.
func (s *DirectoryService) SaveAgreement(id string, in directory.AgreementInput) (directory.Agreement, error) {
	ag, err := s.a.lead.directory.SaveAgreement(s.a.ctx, s.a.me(), id, in)
	return ag, s.a.userError("save agreement", err)
}

// Cases lists vendor cases (active only unless all).
func (s *DirectoryService) Cases(all bool) ([]directory.Case, error) {
	cs, err := s.a.lead.directory.Cases(all)
	return cs, s.a.userError("list vendor cases", err)
}

// Case returns one vendor case.
func (s *DirectoryService) Case(id string) (directory.Case, error) {
	c, err := s.a.lead.directory.Case(id)
	return c, s.a.userError("get vendor case", err)
}

// SaveCase opens (id "") or changes a vendor case.
func (s *DirectoryService) SaveCase(id string, in directory.CaseInput) (directory.Case, error) {
	c, err := s.a.lead.directory.SaveCase(s.a.ctx, s.a.me(), id, in)
	return c, s.a.userError("save vendor case", err)
}

// LogFollowUp records a follow-up with the vendor and the next follow-up date.
func (s *DirectoryService) LogFollowUp(id string, in directory.FollowUpInput) (directory.Case, error) {
	c, err := s.a.lead.directory.LogFollowUp(s.a.ctx, s.a.me(), id, in)
	return c, s.a.userError("log follow-up", err)
}

// LinkTicket links a ticket to a vendor case.
func (s *DirectoryService) LinkTicket(id, ticketID string) (directory.Case, error) {
	c, err := s.a.lead.directory.LinkTicket(s.a.ctx, s.a.me(), id, ticketID)
	return c, s.a.userError("link ticket to vendor case", err)
}

// CasesForTicket lists the vendor cases a ticket is linked to.
func (s *DirectoryService) CasesForTicket(ticketID string) ([]directory.Case, error) {
	cs, err := s.a.lead.directory.CasesForTicket(ticketID)
	return cs, s.a.userError("vendor cases of ticket", err)
}

// Due lists the vendor follow-ups due today or earlier.
func (s *DirectoryService) Due() ([]directory.DueCase, error) {
	cs, err := s.a.lead.directory.DueCases()
	return cs, s.a.userError("vendor follow-ups due", err)
}

// Delete removes a contact, agreement or vendor case (kind: contact, agreement, vendor-case).
func (s *DirectoryService) Delete(kind, id string) error {
	return s.a.userError("delete from directory", s.a.lead.directory.Delete(s.a.ctx, s.a.me(), kind, id))
}
