package directory

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// ErrNotFound reports a contact, agreement or case that does not exist (or was deleted).
var ErrNotFound = errors.New("not found in the directory")

// Service performs directory actions, each as one durable store transaction.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// NewService returns a directory service on st; now is the wall clock (nil: time.Now).
func NewService(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// SaveContact creates a contact (id "") or changes one.
func (s *Service) SaveContact(ctx context.Context, author, id string, in ContactInput) (Contact, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Contact{}, err
	}
	rec, err := s.save(ctx, author, KindContact, id, func(_ *store.Tx, r change.Record, ops *change.Ops) error {
		putStrings(ops, r, contactFields, in.values())
		return nil
	})
	if err != nil {
		return Contact{}, fmt.Errorf("save contact: %w", err)
	}
	return contactFromRecord(rec), nil
}

// Contact returns one contact.
func (s *Service) Contact(id string) (Contact, error) {
	r, err := s.get(KindContact, id)
	if err != nil {
		return Contact{}, err
	}
	return contactFromRecord(r), nil
}

// Contacts lists contacts of type typ ("" for all), by name.
func (s *Service) Contacts(typ ContactType) ([]Contact, error) {
	out := []Contact{}
	err := s.scan(KindContact, func(r change.Record) {
		if c := contactFromRecord(r); typ == "" || c.Type == typ {
			out = append(out, c)
		}
	})
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, err
}

// SaveAgreement creates a vendor support agreement (id "") or changes one.
func (s *Service) SaveAgreement(ctx context.Context, author, id string, in AgreementInput) (Agreement, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Agreement{}, err
	}
	rec, err := s.save(ctx, author, KindAgreement, id, func(tx *store.Tx, r change.Record, ops *change.Ops) error {
		if err := vendorExists(tx, in.Vendor); err != nil {
			return err
		}
		putStrings(ops, r, agreementFields, in.values())
		return nil
	})
	if err != nil {
		return Agreement{}, fmt.Errorf("save agreement: %w", err)
	}
	return s.agreement(rec), nil
}

// Agreements lists every agreement with its expiry state as of now, soonest expiry first.
func (s *Service) Agreements() ([]Agreement, error) {
	out := []Agreement{}
	err := s.scan(KindAgreement, func(r change.Record) { out = append(out, s.agreement(r)) })
	sort.Slice(out, func(i, j int) bool { return out[i].Expires < out[j].Expires })
	return out, err
}

func (s *Service) agreement(r change.Record) Agreement {
	a := agreementFromRecord(r)
	a.Expiry(s.now())
	if v, err := s.Contact(a.Vendor); err == nil {
		a.VendorName = v.Name
	}
	return a
}

// SaveCase opens a vendor case (id "") or changes one. Linked tickets must exist.
func (s *Service) SaveCase(ctx context.Context, author, id string, in CaseInput) (Case, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Case{}, err
	}
	rec, err := s.save(ctx, author, KindVendorCase, id, func(tx *store.Tx, r change.Record, ops *change.Ops) error {
		if err := vendorExists(tx, in.Vendor); err != nil {
			return err
		}
		for _, t := range in.Tickets {
			if err := ticketExists(tx, t); err != nil {
				return err
			}
		}
		putStrings(ops, r, []string{"vendor", "caseNumber", "type", "title", "status", "nextFollowUp"},
			[]string{in.Vendor, in.CaseNumber, string(in.Type), in.Title, string(in.Status), in.NextFollowUp})
		ops.SyncSet(r, "tickets", in.Tickets)
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("save vendor case: %w", err)
	}
	return s.vendorCase(rec), nil
}

// FollowUpInput records a contact with the vendor and when to follow up next.
type FollowUpInput struct {
	Note   string     `json:"note"`
	Next   string     `json:"next"`   // YYYY-MM-DD, or "" for no further follow-up
	Status CaseStatus `json:"status"` // "" leaves the status as it is
}

// LogFollowUp appends a follow-up note and sets the next follow-up date (and status).
func (s *Service) LogFollowUp(ctx context.Context, author, id string, in FollowUpInput) (Case, error) {
	in.Note, in.Next = strings.TrimSpace(in.Note), strings.TrimSpace(in.Next)
	if err := field.First(field.Text("note", in.Note, MaxText, true, true), validDate("next", in.Next, false)); err != nil {
		return Case{}, err
	}
	if in.Status != "" && !contains(caseStatuses, in.Status) {
		return Case{}, field.Errorf("status", "unknown case status %q", in.Status)
	}
	if in.Next != "" && in.Next < midnight(s.now()).Format(DateLayout) {
		return Case{}, field.Errorf("next", "the next follow-up cannot be in the past")
	}
	rec, err := s.save(ctx, author, KindVendorCase, id, func(_ *store.Tx, r change.Record, ops *change.Ops) error {
		if id == "" {
			return fmt.Errorf("%w: vendor case", ErrNotFound)
		}
		ops.Append("followups", FollowUp{Note: in.Note, Next: in.Next})
		ops.PutIfChanged(r, "nextFollowUp", r.String("nextFollowUp"), in.Next)
		if in.Status != "" {
			ops.PutIfChanged(r, "status", r.String("status"), string(in.Status))
		}
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("log follow-up: %w", err)
	}
	return s.vendorCase(rec), nil
}

// LinkTicket links a ticket to a vendor case (an add-wins set).
func (s *Service) LinkTicket(ctx context.Context, author, id, ticketID string) (Case, error) {
	rec, err := s.save(ctx, author, KindVendorCase, id, func(tx *store.Tx, _ change.Record, ops *change.Ops) error {
		if id == "" {
			return fmt.Errorf("%w: vendor case", ErrNotFound)
		}
		if err := ticketExists(tx, ticketID); err != nil {
			return err
		}
		ops.Add("tickets", ticketID)
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("link ticket: %w", err)
	}
	return s.vendorCase(rec), nil
}

// Case returns one vendor case.
func (s *Service) Case(id string) (Case, error) {
	r, err := s.get(KindVendorCase, id)
	if err != nil {
		return Case{}, err
	}
	return s.vendorCase(r), nil
}

// Cases lists vendor cases (active ones only unless all), next follow-up first.
func (s *Service) Cases(all bool) ([]Case, error) {
	out := []Case{}
	err := s.scan(KindVendorCase, func(r change.Record) {
		if c := s.vendorCase(r); all || c.Status.Active() {
			out = append(out, c)
		}
	})
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].NextFollowUp, out[j].NextFollowUp
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	return out, err
}

// DueCases returns the cases whose follow-up is due as of the service's clock.
func (s *Service) DueCases() ([]DueCase, error) {
	cases, err := s.Cases(false)
	if err != nil {
		return nil, err
	}
	return Due(cases, s.now()), nil
}

// CasesForTicket lists the vendor cases a ticket is linked to.
func (s *Service) CasesForTicket(ticketID string) ([]Case, error) {
	all, err := s.Cases(true)
	out := []Case{}
	for _, c := range all {
		if contains(c.Tickets, ticketID) {
			out = append(out, c)
		}
	}
	return out, err
}

func (s *Service) vendorCase(r change.Record) Case {
	c := caseFromRecord(r)
	if v, err := s.Contact(c.Vendor); err == nil {
		c.VendorName = v.Name
	}
	return c
}

// Delete removes a contact, agreement or vendor case (a tombstone).
func (s *Service) Delete(ctx context.Context, author, kind, id string) error {
	switch kind {
	case KindContact, KindAgreement, KindVendorCase:
	default:
		return field.Errorf("kind", "must be contact, agreement or vendor-case")
	}
	_, err := s.save(ctx, author, kind, id, func(_ *store.Tx, r change.Record, ops *change.Ops) error {
		if id == "" {
			return fmt.Errorf("%w: %s", ErrNotFound, kind)
		}
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	return err
}

// save runs fn on record kind/id (a new record when id is "") in one transaction.
func (s *Service) save(ctx context.Context, author, kind, id string, fn func(*store.Tx, change.Record, *change.Ops) error) (change.Record, error) {
	var out change.Record
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		var r change.Record
		target := id
		if id == "" {
			target = store.NewID()
		} else {
			var err error
			r, err = tx.Get(kind, id)
			if record.Gone(r, err) {
				return fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
			}
			if err != nil {
				return err
			}
		}
		ops := &change.Ops{}
		if err := fn(tx, r, ops); err != nil {
			return err
		}
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			out = r
			return err
		}
		out, err = tx.Write(kind, target, list)
		return err
	})
	return out, err
}

func (s *Service) get(kind, id string) (change.Record, error) {
	r, err := s.st.Get(kind, id)
	if record.Gone(r, err) {
		return r, fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
	}
	return r, err
}

func (s *Service) scan(kind string, fn func(change.Record)) error {
	err := s.st.Scan(kind, func(r change.Record) error {
		if !r.Deleted() {
			fn(r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	return nil
}

func putStrings(ops *change.Ops, r change.Record, names, values []string) {
	for i, name := range names {
		if _, ok := r.Fields[name]; !ok || r.String(name) != values[i] {
			ops.Put(r, name, values[i])
		}
	}
}

func vendorExists(tx *store.Tx, id string) error {
	r, err := tx.Get(KindContact, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (r.Deleted() || r.String("type") != string(ContactVendor)) {
		return field.Errorf("vendor", "no vendor %q in the directory", id)
	}
	return err
}

func ticketExists(tx *store.Tx, id string) error {
	r, err := tx.Get(ticket.Kind, id)
	if record.Gone(r, err) {
		return field.Errorf("tickets", "no ticket %q", id)
	}
	return err
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
