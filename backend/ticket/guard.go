package ticket

// GuardEscalation installs a check that every escalation must pass before it is
// written, such as the category's escalation path requiring its checklist. The
// check runs inside the escalation's transaction, after the ticket's own rules;
// its error is returned to the caller and nothing is written.
func (s *Service) GuardEscalation(check func(Ticket, EscalateInput) error) { s.guard = check }
