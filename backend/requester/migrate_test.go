package requester

import (
	"fmt"
	"outpost/backend/core/store"
	"reflect"
	"slices"
	"strings"
	"testing"

	"outpost/backend/core/store/storetest"
	"outpost/backend/directory"
	"outpost/backend/ticket"
)

// older tickets, as they were written before the directory: requesters typed on each ticket.
var older = []ticket.Requester{
	{Name: "Ana Lopez", Contact: "Ana.Lopez@example.com", Site: "Berlin"},
	{Name: "Ana L.", Contact: "ana.lopez@example.com"},
	{Name: "Ben", Contact: "+49 30 1234"},
	{Name: " ben ", Contact: "+49  30 1234"},
	{Name: "Cleo", Contact: "Cleo <cleo@example.org>, +1 555"},
	{Name: "Dan"},
	{},
}

func TestMigrationOnTwoReplicasConverges(t *testing.T) {
	t.Parallel()
	a, b := open(t), open(t)
	var ids []string
	for i, rq := range older {
		tk, err := a.tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Ticket " + string(rune('A'+i)), Requester: rq})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	_, err := directory.NewService(a.st, nil).SaveContact(ctx, "alice", "", directory.ContactInput{
		Name: "Cleo Novak", Type: directory.ContactRequester, Email: "cleo@example.org", Phone: "+1 555", Organisation: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a.st, b.st)

	for _, f := range []fixture{a, b} {
		res, err := f.dir.Migrate(ctx, "migration")
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 4 || res.Linked != 6 || res.Retired != 1 {
			t.Fatalf("Migrate = %+v, want 4 requesters (Ana, Ben, Cleo, Dan), 6 tickets, 1 contact", res)
		}
	}
	storetest.Sync(t, a.st, b.st)

	la, _ := a.dir.List(Filter{})
	lb, _ := b.dir.List(Filter{})
	if !reflect.DeepEqual(la, lb) {
		t.Fatalf("the replicas' directories differ:\n%+v\n%+v", la, lb)
	}
	var names []string
	for _, q := range la {
		if len(q.Conflicts) > 0 {
			t.Fatalf("%s has conflicts %v after two equal migrations", q.Name, q.Conflicts)
		}
		names = append(names, q.Name+"|"+strings.Join(q.Emails, ",")+"|"+q.Phone+"|"+q.Department)
	}
	want := []string{"Ana Lopez|ana.lopez@example.com||", "Ben||+49 30 1234|", "Cleo Novak|cleo@example.org|+1 555|Sales", "Dan|||"}
	if !slices.Equal(names, want) {
		t.Fatalf("requesters = %q, want %q", names, want)
	}
	for i, id := range ids[:6] {
		tk, _ := a.tickets.Get(id)
		if tk.RequesterID == "" || len(tk.Conflicts) > 0 {
			t.Fatalf("ticket %d: requesterId %q, conflicts %+v", i, tk.RequesterID, tk.Conflicts)
		}
	}
	if tk, _ := a.tickets.Get(ids[0]); tk.RequesterID != IDFor("ana.lopez@example.com") {
		t.Fatalf("Ana's ticket links to %q", tk.RequesterID)
	}
	before := changeCount(t, a.st)
	if res, err := a.dir.Migrate(ctx, "migration"); err != nil || res != (Migrated{}) || changeCount(t, a.st) != before {
		t.Fatalf("a second migration = %+v, %v; wrote %d changes", res, err, changeCount(t, a.st)-before)
	}
}

func TestMigrationRelinksTicketsOfMergedRequesters(t *testing.T) {
	t.Parallel()
	a, b := open(t), open(t)
	from, _ := a.dir.Save(ctx, "alice", "", Input{Name: "A", Emails: []string{"a@example.com"}})
	into, _ := a.dir.Save(ctx, "alice", "", Input{Name: "B", Emails: []string{"b@example.com"}})
	storetest.Sync(t, a.st, b.st)
	// b links a ticket to from while a merges from into into: neither sees the other.
	tk, err := b.tickets.Create(ctx, "bob", ticket.NewTicket{Title: "Offline", RequesterID: from.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.dir.Merge(ctx, "alice", from.ID, into.ID); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a.st, b.st)
	if got, _ := b.tickets.Get(tk.ID); got.RequesterID != from.ID {
		t.Fatalf("before the repair the ticket links to %q", got.RequesterID)
	}
	res, err := b.dir.Migrate(ctx, "migration")
	if err != nil || res.Linked != 1 {
		t.Fatalf("Migrate = %+v, %v", res, err)
	}
	if got, _ := b.tickets.Get(tk.ID); got.RequesterID != into.ID {
		t.Fatalf("after the repair the ticket links to %q, want %q", got.RequesterID, into.ID)
	}
}

func TestImportCSVTwice(t *testing.T) {
	t.Parallel()
	f := open(t)
	file := "Name;E-Mail;Phone;Site;DEPARTMENT;VIP;Notes\n" +
		"Ana Lopez;ana@example.com, a.lopez@example.com;+49 1;Berlin;Finance;yes;prefers mail\n" +
		"Ben;ben@example.com;;;IT;no;\n" +
		"Cleo;;+1 555;;;;\n" +
		"Bad;not-an-address;;;;;\n" +
		"Dan;dan@example.com;;;;maybe;\n" +
		";;;;;;x\n"
	first, err := f.dir.ImportCSV(ctx, "alice", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if first.Rows != 6 || first.Created != 3 || len(first.Errors) != 3 {
		t.Fatalf("first import = %+v", first)
	}
	for i, want := range []struct {
		line int
		text string
	}{{5, `"not-an-address" is not an email address`}, {6, "write yes or no"}, {7, "neither a name nor an email"}} {
		if e := first.Errors[i]; e.Line != want.line || !strings.Contains(e.Message, want.text) {
			t.Fatalf("error %d = %+v, want line %d: %s", i, e, want.line, want.text)
		}
	}
	second, err := f.dir.ImportCSV(ctx, "alice", strings.NewReader(file))
	if err != nil || second.Created != 0 || second.Updated != 0 || second.Unchanged != 3 {
		t.Fatalf("second import = %+v, %v", second, err)
	}
	list, _ := f.dir.List(Filter{})
	if len(list) != 3 {
		t.Fatalf("%d requesters after two imports, want 3", len(list))
	}
	ana, _ := f.dir.Get(IDFor("ana@example.com"))
	if !ana.VIP || len(ana.Emails) != 2 || ana.Department != "Finance" {
		t.Fatalf("Ana = %+v", ana)
	}
	if _, err := f.dir.ImportCSV(ctx, "alice", strings.NewReader("a,b\n1,2\n")); err == nil || !strings.Contains(err.Error(), "header") {
		t.Fatalf("a file without known columns = %v", err)
	}
}

// One requester behind more tickets than one transaction can link (an imported history
// where one address sent thousands) is migrated in several transactions.
func TestMigrationOfOneRequesterWithThousandsOfTickets(t *testing.T) {
	t.Parallel()
	a := open(t)
	const n = 6_000
	for done := 0; done < n; {
		_, err := a.st.Update(ctx, "alice", func(tx *store.Tx) error {
			within := a.tickets.Within(tx)
			for ; done < n; done++ {
				if _, err := within.Create(ctx, "alice", ticket.NewTicket{Title: fmt.Sprintf("Printer jam %d", done),
					Requester: ticket.Requester{Name: "Front desk", Contact: "frontdesk@example.com"}}); err != nil {
					return err
				}
				if size, _ := tx.Size(); size > 1<<20 {
					done++
					return nil
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.dir.Migrate(ctx, "migration")
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Linked != n {
		t.Fatalf("Migrate = %+v, want 1 requester and %d tickets linked", res, n)
	}
	if again, err := a.dir.Migrate(ctx, "migration"); err != nil || again != (Migrated{}) {
		t.Fatalf("a second migration = %+v, %v", again, err)
	}
}
