package ticket

import (
	"context"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

func TestWithinCommitsManyAuthorsActionsTogether(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	ctx := context.Background()
	var id string
	changes, err := st.Update(ctx, "loader", func(tx *store.Tx) error {
		in := s.Within(tx)
		ts, err := in.CreateBatch(ctx, "alice", []NewTicket{{Title: "Printer jams"}})
		if err != nil {
			return err
		}
		id = ts[0].ID
		if _, err := in.Assign(ctx, "alice", id, "bob"); err != nil {
			return err
		}
		_, err = in.Transition(ctx, "bob", id, StatusInProgress, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var authors []string
	for _, c := range changes {
		authors = append(authors, c.Author)
	}
	if len(authors) != 3 || authors[0] != "alice" || authors[1] != "alice" || authors[2] != "bob" {
		t.Fatalf("authors of the committed changes = %v, want [alice alice bob]", authors)
	}
	got, err := s.Get(id)
	if err != nil || got.Status != StatusInProgress || got.Assignee != "bob" || got.CreatedBy != "alice" {
		t.Fatalf("ticket after the batch = %+v, %v", got.Summary, err)
	}
}

func TestWithinAbortsEverythingOnABadAction(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	ctx := context.Background()
	before, _ := st.StateHash()
	_, err := st.Update(ctx, "loader", func(tx *store.Tx) error {
		in := s.Within(tx)
		ts, err := in.CreateBatch(ctx, "alice", []NewTicket{{Title: "Printer jams"}})
		if err != nil {
			return err
		}
		_, err = in.Transition(ctx, "bob", ts[0].ID, StatusClosed, "") // new -> closed is not allowed
		return err
	})
	if fe, ok := field.As(err); !ok || fe.Field != "status" {
		t.Fatalf("err = %v, want a status field error", err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("a failed batch wrote something")
	}
}
