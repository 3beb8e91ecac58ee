package requester

import (
	"context"
	"strings"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/directory"
	"outpost/backend/ticket"
)

var ctx = context.Background()

type fixture struct {
	st      *store.Store
	tickets *ticket.Service
	dir     *Service
}

func open(t *testing.T) fixture {
	t.Helper()
	st := storetest.Open(t)
	tk := ticket.NewService(st, nil)
	d := NewService(st, tk)
	t.Cleanup(d.Close)
	return fixture{st, tk, d}
}

func changeCount(t *testing.T, st *store.Store) uint64 {
	t.Helper()
	v, err := st.Vector()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, seq := range v {
		n += seq
	}
	return n
}

func TestIDFor(t *testing.T) {
	t.Parallel()
	id := IDFor("Ana@Example.com ")
	if id != IDFor("ana@example.com") || !strings.HasPrefix(id, "rq-") || len(id) != 23 {
		t.Fatalf("IDFor = %q, %q", id, IDFor("ana@example.com"))
	}
	if IDFor("ben@example.com") == id {
		t.Fatal("two addresses derive one ID")
	}
}

func ensure(t *testing.T, f fixture, email, name string) (string, bool) {
	t.Helper()
	var id string
	var created bool
	_, err := f.st.Update(ctx, "intake", func(tx *store.Tx) error {
		var err error
		id, created, err = f.dir.Ensure(tx, email, name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, created
}

func TestEnsureIsIdempotent(t *testing.T) {
	t.Parallel()
	f := open(t)
	id, created := ensure(t, f, "Ana@Example.com", "Ana Lopez")
	if !created || id != IDFor("ana@example.com") {
		t.Fatalf("first Ensure = %q %v", id, created)
	}
	before := changeCount(t, f.st)
	again, created := ensure(t, f, "ana@example.com", "Someone Else")
	if created || again != id || changeCount(t, f.st) != before {
		t.Fatalf("second Ensure = %q %v, wrote %d changes", again, created, changeCount(t, f.st)-before)
	}
	q, err := f.dir.Get(id)
	if err != nil || q.Name != "Ana Lopez" || strings.Join(q.Emails, ",") != "ana@example.com" {
		t.Fatalf("Get = %+v, %v", q, err)
	}
	// A second address of a saved requester is found, not made a new requester.
	saved, err := f.dir.Save(ctx, "alice", "", Input{Name: "Ben", Emails: []string{"ben@example.com", "B.Home@Example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, created := ensure(t, f, "b.home@example.org", "Ben at home"); created || got != saved.ID {
		t.Fatalf("Ensure of a second address = %q %v, want %q", got, created, saved.ID)
	}
	// Created and found in one transaction.
	_, err = f.st.Update(ctx, "intake", func(tx *store.Tx) error {
		a, c1, err := f.dir.Ensure(tx, "cleo@example.com", "")
		if err != nil {
			return err
		}
		b, c2, err := f.dir.Ensure(tx, "CLEO@example.com", "Cleo")
		if a != b || !c1 || c2 {
			t.Errorf("Ensure twice in one action = %q %v, %q %v", a, c1, b, c2)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := f.dir.Get(IDFor("cleo@example.com")); q.Name != "cleo" {
		t.Fatalf("a requester without a name is named %q", q.Name)
	}
}

func TestSaveValidates(t *testing.T) {
	t.Parallel()
	f := open(t)
	if _, err := f.dir.Save(ctx, "alice", "", Input{Name: "Ana", Emails: []string{"ana@example.com"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		in    Input
		field string
	}{
		{"no name", Input{Emails: []string{"x@example.com"}}, "name"},
		{"bad address", Input{Name: "X", Emails: []string{"not an address"}}, "emails"},
		{"display name", Input{Name: "X", Emails: []string{"X <x@example.com>"}}, "emails"},
		{"address of another", Input{Name: "X", Emails: []string{"x@example.com", "ANA@example.com"}}, "emails"},
		{"same first address", Input{Name: "X", Emails: []string{"ana@example.com"}}, "emails"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.dir.Save(ctx, "alice", "", tt.in)
			if fe, ok := field.As(err); !ok || fe.Field != tt.field {
				t.Fatalf("Save = %v, want a %s field error", err, tt.field)
			}
		})
	}
	q, err := f.dir.Save(ctx, "alice", "", Input{Name: "Phone Only", Phone: "+49 30 1"})
	if err != nil || strings.HasPrefix(q.ID, "rq-") {
		t.Fatalf("phone-only requester = %+v, %v (want a random ID)", q, err)
	}
	q, err = f.dir.Save(ctx, "alice", "", Input{Name: "Dup", Emails: []string{"d@example.com", "D@example.com "}})
	if err != nil || len(q.Emails) != 1 {
		t.Fatalf("addresses = %v, %v", q.Emails, err)
	}
}

func TestTicketLinksToExistingRequesterOnly(t *testing.T) {
	t.Parallel()
	f := open(t)
	_, err := f.tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Printer", RequesterID: "rq-missing"})
	if fe, ok := field.As(err); !ok || fe.Field != "requesterId" {
		t.Fatalf("Create with an unknown requester = %v", err)
	}
	id, _ := ensure(t, f, "ana@example.com", "Ana")
	tk, err := f.tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Printer", RequesterID: id})
	if err != nil || tk.RequesterID != id {
		t.Fatalf("Create = %+v, %v", tk.RequesterID, err)
	}
	bad := "rq-gone"
	if _, err := f.tickets.Update(ctx, "alice", tk.ID, ticket.Patch{RequesterID: &bad}); err == nil {
		t.Fatal("Update linked a ticket to a requester that does not exist")
	}
	page, err := f.dir.Page(id)
	if err != nil || len(page.Open) != 1 || len(page.Tickets) != 1 || page.Tickets[0].ID != tk.ID {
		t.Fatalf("Page = %+v, %v", page, err)
	}
	if _, err := f.tickets.Transition(ctx, "alice", tk.ID, ticket.StatusInProgress, ""); err != nil {
		t.Fatal(err)
	}
	list, err := f.dir.List(Filter{Text: "ANA@"})
	if err != nil || len(list) != 1 || list[0].OpenTickets != 1 {
		t.Fatalf("List = %+v, %v", list, err)
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	f := open(t)
	from, err := f.dir.Save(ctx, "alice", "", Input{Name: "A. Lopez", Emails: []string{"alopez@example.com"}, Phone: "+49 1", VIP: true})
	if err != nil {
		t.Fatal(err)
	}
	into, err := f.dir.Save(ctx, "alice", "", Input{Name: "Ana Lopez", Emails: []string{"ana@example.com"}, Site: "Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	var tks []string
	for _, title := range []string{"VPN", "Printer"} {
		tk, err := f.tickets.Create(ctx, "alice", ticket.NewTicket{Title: title, RequesterID: from.ID})
		if err != nil {
			t.Fatal(err)
		}
		tks = append(tks, tk.ID)
	}
	got, err := f.dir.Merge(ctx, "alice", from.ID, into.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Emails, ",") != "alopez@example.com,ana@example.com" || got.Phone != "+49 1" || !got.VIP || got.Site != "Berlin" {
		t.Fatalf("survivor = %+v", got)
	}
	for _, id := range tks {
		if tk, _ := f.tickets.Get(id); tk.RequesterID != into.ID {
			t.Fatalf("ticket %s links to %q after the merge", id, tk.RequesterID)
		}
	}
	if q, err := f.dir.Get(from.ID); err != nil || q.ID != into.ID {
		t.Fatalf("Get of the merged requester = %+v, %v", q, err)
	}
	if id, created := ensure(t, f, "alopez@example.com", "x"); created || id != into.ID {
		t.Fatalf("Ensure of a moved address = %q %v", id, created)
	}
	list, _ := f.dir.List(Filter{})
	if len(list) != 1 || list[0].OpenTickets != 2 {
		t.Fatalf("List after merge = %+v", list)
	}
	if page, _ := f.dir.Page(into.ID); len(page.Tickets) != 2 {
		t.Fatalf("page after merge = %+v", page.Tickets)
	}
	if _, err := f.dir.Merge(ctx, "alice", into.ID, into.ID); err == nil {
		t.Fatal("merged a requester into itself")
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	f := open(t)
	q, _ := f.dir.Save(ctx, "alice", "", Input{Name: "Ana", Emails: []string{"ana@example.com"}})
	if err := f.dir.Delete(ctx, "alice", q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.dir.Get(q.ID); err == nil {
		t.Fatal("a deleted requester is still found")
	}
	if list, _ := f.dir.List(Filter{}); len(list) != 0 {
		t.Fatalf("List = %+v", list)
	}
	if id, created := ensure(t, f, "ana@example.com", "Ana"); !created || id != q.ID {
		t.Fatalf("Ensure after delete = %q %v", id, created)
	}
}

func TestRetiredContactsLeaveTheDirectory(t *testing.T) {
	t.Parallel()
	f := open(t)
	d := directory.NewService(f.st, nil)
	c, err := d.SaveContact(ctx, "alice", "", directory.ContactInput{Name: "Ana", Type: directory.ContactRequester, Email: "Ana@example.com", Organisation: "Finance"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.dir.Migrate(ctx, "alice")
	if err != nil || res.Retired != 1 || res.Created != 1 {
		t.Fatalf("Migrate = %+v, %v", res, err)
	}
	if cs, _ := d.Contacts(""); len(cs) != 0 {
		t.Fatalf("contacts after migration: %+v", cs)
	}
	q, err := f.dir.Get(IDFor("ana@example.com"))
	if err != nil || q.Department != "Finance" || q.Name != "Ana" {
		t.Fatalf("migrated contact = %+v, %v (contact %s)", q, err, c.ID)
	}
}
