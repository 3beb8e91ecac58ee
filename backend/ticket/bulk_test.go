package ticket

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

// commits counts the store's local commits and the changes in each.
type commits struct {
	mu    sync.Mutex
	sizes []int
}

func countCommits(t *testing.T, st *store.Store) *commits {
	c := &commits{}
	cancel := st.Subscribe(func(e store.Event) {
		if !e.Local {
			return
		}
		c.mu.Lock()
		c.sizes = append(c.sizes, len(e.Changes))
		c.mu.Unlock()
	})
	t.Cleanup(cancel)
	return c
}

func (c *commits) get() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.sizes...)
}

func TestAssignManyIsOneAction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	s := NewService(st, nil)
	a, b, c := newTicket(t, s), newTicket(t, s), newTicket(t, s)
	if _, err := s.Assign(ctx, "alice", c.ID, "bob"); err != nil { // already bob's: no change for it
		t.Fatal(err)
	}
	if _, err := s.Transition(ctx, "bob", c.ID, StatusInProgress, ""); err != nil {
		t.Fatal(err)
	}
	log := countCommits(t, st)

	got, err := s.AssignMany(ctx, "lead", []string{a.ID, b.ID, a.ID, c.ID}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != a.ID || got[1].ID != b.ID || got[2].ID != c.ID {
		t.Fatalf("returned %d tickets, want a, b, c once each in order", len(got))
	}
	if sizes := log.get(); len(sizes) != 1 || sizes[0] != 2 {
		t.Fatalf("commits (changes per commit) = %v, want one commit of 2 changes (c was already bob's)", sizes)
	}
	for _, tk := range []Ticket{a, b} {
		now, err := s.Get(tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Assignee != "bob" || now.Status != StatusAssigned {
			t.Errorf("%s: assignee %q status %s, want bob / assigned", now.Number, now.Assignee, now.Status)
		}
		if ev := now.Timeline().Events; len(ev) == 0 {
			t.Errorf("%s: the assignment left no timeline event", now.Number)
		}
		h, err := s.History(tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if by := h[len(h)-1].By; by != "lead" {
			t.Errorf("%s: last change by %q, want lead", now.Number, by)
		}
	}
	if now, _ := s.Get(c.ID); now.Status != StatusInProgress || now.Assignee != "bob" {
		t.Errorf("c: status %s assignee %q: an unchanged assignment must not touch the ticket", now.Status, now.Assignee)
	}

	if _, err := s.AssignMany(ctx, "lead", []string{a.ID, b.ID}, ""); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{a.ID, b.ID} {
		if now, _ := s.Get(id); now.Assignee != "" {
			t.Errorf("unassign left assignee %q", now.Assignee)
		}
	}
	if sizes := log.get(); len(sizes) != 2 || sizes[1] != 2 {
		t.Fatalf("commits after unassigning = %v, want a second commit of 2 changes", sizes)
	}
}

func TestAssignManyRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	s := NewService(st, nil)
	a := newTicket(t, s)
	many := make([]string, MaxBulk+1)
	for i := range many {
		many[i] = strings.Repeat("x", 8) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	tests := []struct {
		name      string
		ids       []string
		assignee  string
		wantField string
		notFound  bool
	}{
		{"no tickets", nil, "bob", "ids", false},
		{"only empty ids", []string{"", ""}, "bob", "ids", false},
		{"too many tickets", many, "bob", "ids", false},
		{"control character in assignee", []string{a.ID}, "bo\x00b", "assignee", false},
		{"assignee too long", []string{a.ID}, strings.Repeat("b", MaxShort+1), "assignee", false},
		{"one ticket missing", []string{a.ID, "no-such-ticket"}, "bob", "", true},
	}
	before, err := st.StateHash()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AssignMany(ctx, "lead", tt.ids, tt.assignee)
			if tt.notFound {
				if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no-such-ticket") {
					t.Fatalf("err = %v, want ErrNotFound naming the missing ticket", err)
				}
			} else if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
				t.Fatalf("err = %v, want a %s field error", err, tt.wantField)
			}
			if after, _ := st.StateHash(); after != before {
				t.Fatal("a refused bulk assignment wrote something")
			}
		})
	}
	if now, _ := s.Get(a.ID); now.Assignee != "" {
		t.Fatalf("ticket assigned to %q by a refused action", now.Assignee)
	}
}
