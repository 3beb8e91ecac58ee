package directory

import (
	"context"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

// Monday 2 March 2026, 09:00 in Berlin.
var berlin, _ = time.LoadLocation("Europe/Berlin")
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, berlin)

const day = 24 * time.Hour

func setup(t *testing.T) (*Service, *store.Store, *storetest.Clock) {
	t.Helper()
	c := storetest.NewClock(t0)
	st := storetest.OpenWith(t, store.Options{Now: c.Now})
	return NewService(st, c.Now), st, c
}

func vendor(t *testing.T, s *Service) Contact {
	t.Helper()
	v, err := s.SaveContact(context.Background(), "coord", "", ContactInput{Name: "Acme Hardware", Type: ContactVendor,
		Phone: "+49 30 1234", Email: "Support@Acme.example", Hours: "Mon-Fri 8-18", Preferred: "Phone"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestContacts(t *testing.T) {
	t.Parallel()
	s, st, _ := setup(t)
	ctx := context.Background()
	v := vendor(t, s)
	if v.Email != "support@acme.example" || v.Preferred != "phone" {
		t.Fatalf("contact = %+v", v)
	}
	tests := []struct {
		name      string
		in        ContactInput
		wantField string
	}{
		{"no name", ContactInput{Type: ContactSite, Phone: "1"}, "name"},
		{"bad type", ContactInput{Name: "x", Type: "friend", Phone: "1"}, "type"},
		{"no way to reach", ContactInput{Name: "x", Type: ContactTeam}, "phone"},
		{"bad email", ContactInput{Name: "x", Type: ContactTeam, Email: "not an email"}, "email"},
		{"bad preference", ContactInput{Name: "x", Type: ContactTeam, Phone: "1", Preferred: "pigeon"}, "preferred"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.SaveContact(ctx, "coord", "", tt.in)
			if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
				t.Fatalf("SaveContact = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	n := 0
	_ = st.Scan(KindContact, func(change.Record) error { n++; return nil })
	if n != 1 {
		t.Fatalf("%d contacts stored, want 1", n)
	}
	in := v.ContactInput
	in.Phone = "+49 30 9999"
	if got, err := s.SaveContact(ctx, "coord", v.ID, in); err != nil || got.Phone != "+49 30 9999" || got.Name != v.Name {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	if _, err := s.SaveContact(ctx, "coord", "nosuch", in); err == nil {
		t.Fatal("edit of a missing contact succeeded")
	}
	if list, _ := s.Contacts(ContactSite); len(list) != 0 {
		t.Fatalf("sites = %+v", list)
	}
}

func TestAgreementExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expires       string
		daysLeft      int
		soon, expired bool
		flag          bool
	}{
		{"2026-12-31", 304, false, false, false},
		{"2026-05-01", 60, true, false, true},
		{"2026-05-02", 61, false, false, false},
		{"2026-03-02", 0, true, false, true},
		{"2026-03-01", -1, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.expires, func(t *testing.T) {
			a := Agreement{AgreementInput: AgreementInput{Contract: "C-1", Expires: tt.expires}}
			a.Expiry(t0)
			if a.DaysLeft != tt.daysLeft || a.ExpiringSoon != tt.soon || a.Expired != tt.expired || (a.Flag() != "") != tt.flag {
				t.Fatalf("expiry of %s = %+v, flag %q", tt.expires, a, a.Flag())
			}
		})
	}
}

func TestAgreements(t *testing.T) {
	t.Parallel()
	s, _, c := setup(t)
	ctx := context.Background()
	v := vendor(t, s)
	site, _ := s.SaveContact(ctx, "coord", "", ContactInput{Name: "Site B", Type: ContactSite, Address: "Hafenstr. 1"})
	if _, err := s.SaveAgreement(ctx, "coord", "", AgreementInput{Vendor: site.ID, Contract: "X", Expires: "2027-01-01"}); !isField(err, "vendor") {
		t.Fatalf("agreement with a site as vendor: %v", err)
	}
	if _, err := s.SaveAgreement(ctx, "coord", "", AgreementInput{Vendor: v.ID, Contract: "X", Expires: "31/12/2026"}); !isField(err, "expires") {
		t.Fatalf("agreement with a bad date: %v", err)
	}
	a, err := s.SaveAgreement(ctx, "coord", "", AgreementInput{Vendor: v.ID, Contract: "ACME-2291", Coverage: "Mon-Fri 08-18",
		ResponseTerms: "4 h response, NBD parts", Expires: "2026-06-30"})
	if err != nil || a.VendorName != "Acme Hardware" || a.ExpiringSoon {
		t.Fatalf("agreement = %+v, %v", a, err)
	}
	c.Add(70 * day) // 11 May: 50 days left
	list, _ := s.Agreements()
	if len(list) != 1 || !list[0].ExpiringSoon || list[0].DaysLeft != 50 {
		t.Fatalf("after 70 days: %+v", list)
	}
}

func isField(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}

func TestVendorCaseFollowUpsSurfaceWhenDue(t *testing.T) {
	t.Parallel()
	s, st, c := setup(t)
	ctx := context.Background()
	v := vendor(t, s)
	tk, err := ticket.NewService(st, nil).Create(ctx, "alice", ticket.NewTicket{Title: "Laptop fan failing", Category: "hardware"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveCase(ctx, "coord", "", CaseInput{Vendor: v.ID, CaseNumber: "RMA-1", Title: "x", Tickets: []string{"nosuch"}}); !isField(err, "tickets") {
		t.Fatalf("case linked to a missing ticket: %v", err)
	}
	rma, err := s.SaveCase(ctx, "coord", "", CaseInput{Vendor: v.ID, CaseNumber: "RMA-7731", Type: CaseRMA,
		Title: "Fan replacement for LT-042", NextFollowUp: "2026-03-04", Tickets: []string{tk.ID}})
	if err != nil || rma.VendorName != "Acme Hardware" || len(rma.Tickets) != 1 {
		t.Fatalf("case = %+v, %v", rma, err)
	}
	warranty, _ := s.SaveCase(ctx, "coord", "", CaseInput{Vendor: v.ID, CaseNumber: "W-19", Type: CaseWarranty,
		Title: "Dock warranty claim", NextFollowUp: "2026-03-03"})
	_, _ = s.SaveCase(ctx, "coord", "", CaseInput{Vendor: v.ID, CaseNumber: "S-1", Title: "No follow-up set"})

	due := func() []string {
		t.Helper()
		d, err := s.DueCases()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range d {
			out = append(out, x.CaseNumber)
		}
		return out
	}
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"monday: nothing due", func() {}, nil},
		{"tuesday: the warranty claim", func() { c.Add(day) }, []string{"W-19"}},
		{"wednesday: both, most overdue first", func() { c.Add(day) }, []string{"W-19", "RMA-7731"}},
		{"a follow-up logged moves the date", func() {
			got, err := s.LogFollowUp(ctx, "coord", warranty.ID, FollowUpInput{Note: "Vendor wants photos of the serial label", Next: "2026-03-09", Status: CaseWaitingUs})
			if err != nil || got.Status != CaseWaitingUs || len(got.FollowUps) != 1 || got.FollowUps[0].Author != "coord" {
				t.Fatalf("LogFollowUp = %+v, %v", got, err)
			}
		}, []string{"RMA-7731"}},
		{"a resolved case stops surfacing", func() {
			if _, err := s.LogFollowUp(ctx, "coord", rma.ID, FollowUpInput{Note: "Fan replaced", Status: CaseResolved}); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"next monday: the claim again", func() { c.Add(5 * day) }, []string{"W-19"}},
	}
	for _, st := range steps {
		st.do()
		if got := due(); !equal(got, st.want) {
			t.Fatalf("%s: due = %v, want %v", st.name, got, st.want)
		}
	}
	if _, err := s.LogFollowUp(ctx, "coord", warranty.ID, FollowUpInput{Note: "late", Next: "2026-03-01"}); !isField(err, "next") {
		t.Fatalf("follow-up in the past: %v", err)
	}
	if _, err := s.LogFollowUp(ctx, "coord", warranty.ID, FollowUpInput{Next: "2026-04-01"}); !isField(err, "note") {
		t.Fatalf("follow-up without a note: %v", err)
	}
	linked, _ := s.CasesForTicket(tk.ID)
	if len(linked) != 1 || linked[0].ID != rma.ID {
		t.Fatalf("cases for ticket = %+v", linked)
	}
}

func TestDueAcrossTimeZones(t *testing.T) {
	t.Parallel()
	cases := []Case{{CaseNumber: "A", Status: CaseOpen, NextFollowUp: "2026-03-03"}}
	// 23:30 UTC on 2 March is already 3 March in Berlin.
	late := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	if got := Due(cases, late); len(got) != 0 {
		t.Fatalf("UTC: %+v", got)
	}
	if got := Due(cases, late.In(berlin)); len(got) != 1 || got[0].DaysOverdue != 0 {
		t.Fatalf("Berlin: %+v", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
