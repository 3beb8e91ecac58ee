package requester

import (
	"fmt"
	"testing"

	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// TestImportLinksAsMigrationWould imports the older requesters' tickets twice: once
// linked as they are written (Link, what an import does) and once unlinked and then
// migrated. Both give every ticket the same requester, and a migration after the linked
// import finds nothing left to write.
func TestImportLinksAsMigrationWould(t *testing.T) {
	t.Parallel()
	linked, migrated := open(t), open(t)
	importAll := func(f fixture, link bool) {
		t.Helper()
		_, err := f.st.Update(ctx, "import", func(tx *store.Tx) error {
			in := f.tickets.Within(tx)
			for i, rq := range older {
				imp := ticket.Imported{ID: fmt.Sprintf("imp%d", i), Number: fmt.Sprintf("OLD-%d", i),
					NewTicket: ticket.NewTicket{Title: "Ticket " + string(rune('A'+i)), Requester: rq},
					Origin:    ticket.Origin{System: "old", SourceID: fmt.Sprint(i)}}
				if link {
					id, err := f.dir.Link(tx, rq)
					if err != nil {
						return err
					}
					imp.RequesterID = id
				}
				if _, err := in.Import(ctx, "import", imp); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	importAll(linked, true)
	importAll(migrated, false)
	if res, err := migrated.dir.Migrate(ctx, "import"); err != nil || res.Linked == 0 {
		t.Fatalf("migration of the unlinked import: %+v, %v", res, err)
	}
	before := changeCount(t, linked.st)
	if res, err := linked.dir.Migrate(ctx, "import"); err != nil || res != (Migrated{}) {
		t.Fatalf("migration after a linked import wrote %+v, %v", res, err)
	}
	if after := changeCount(t, linked.st); after != before {
		t.Fatalf("migration after a linked import wrote %d changes", after-before)
	}
	for i, rq := range older {
		id := fmt.Sprintf("imp%d", i)
		a, err := linked.tickets.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := migrated.tickets.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if a.RequesterID != b.RequesterID {
			t.Errorf("%+v: linked on import to %q, by the migration to %q", rq, a.RequesterID, b.RequesterID)
		}
		if (rq != ticket.Requester{}) && rq.Name != "" && a.RequesterID == "" {
			t.Errorf("%+v: not linked", rq)
		}
	}
}
