package search

import (
	"context"
	"testing"

	"outpost/backend/core/store/storetest"
	"outpost/backend/requester"
	"outpost/backend/ticket"
)

// Requesters are found by name, address, department and site, and kept fresh as they change.
func TestRequestersAreSearchable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	dir := requester.NewService(st, ticket.NewService(st, nil))
	defer dir.Close()
	q, err := dir.Save(ctx, "alice", "", requester.Input{Name: "Ana Lopez", Emails: []string{"ana.lopez@example.com"}, Department: "Finance", Site: "Lisbon"})
	if err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, st, "")
	defer x.Close()
	for _, text := range []string{"lopez", "finance", "lisbon", "ana.lopez@example.com"} {
		res, err := x.Search(Query{Text: text, Kinds: []string{KindRequester}})
		if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != q.ID || res.Hits[0].Kind != KindRequester {
			t.Fatalf("search %q = %+v, %v", text, res.Hits, err)
		}
	}
	q.Department = "Legal"
	if _, err := dir.Save(ctx, "alice", q.ID, q.Input); err != nil {
		t.Fatal(err)
	}
	flush(t, x)
	if res, _ := x.Search(Query{Text: "legal", Statuses: []string{"new"}}); len(res.Hits) != 1 {
		t.Fatalf("after an edit (with a status filter) = %+v", res.Hits)
	}
	if err := dir.Delete(ctx, "alice", q.ID); err != nil {
		t.Fatal(err)
	}
	flush(t, x)
	if res, _ := x.Search(Query{Text: "legal"}); len(res.Hits) != 0 {
		t.Fatalf("a deleted requester is still found: %+v", res.Hits)
	}
}
