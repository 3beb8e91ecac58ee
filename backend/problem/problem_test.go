package problem

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func mkTickets(t *testing.T, ts *ticket.Service, category string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		tk, err := ts.Create(context.Background(), "alice", ticket.NewTicket{Title: fmt.Sprintf("%s issue %d", category, i), Category: category})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	return ids
}

func count(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	if err := st.Scan(Kind, func(change.Record) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpen(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	st := storetest.OpenWith(t, store.Options{Now: c.Now})
	ts, ps := ticket.NewService(st, nil), NewService(st, c.Now)
	ctx := context.Background()
	ids := mkTickets(t, ts, "vpn", 3)

	t.Run("from tickets", func(t *testing.T) {
		p, err := ps.Open(ctx, "lead", NewProblem{Title: "VPN drops after rekey", Tickets: append(ids, ids[0], " ")})
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(p.Incidents, want) || p.Origin != OriginTickets || p.Status != StatusOpen || p.Lens != LensUnknown {
			t.Fatalf("problem = %+v", p)
		}
	})
	t.Run("from trend", func(t *testing.T) {
		p, err := ps.Open(ctx, "lead", NewProblem{Category: "vpn", Term: "rekey"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Origin != OriginTrend || p.Title != `Recurring vpn issues mentioning "rekey"` || len(p.Incidents) != 0 {
			t.Fatalf("problem = %+v", p)
		}
	})
	t.Run("more incidents than one change carries", func(t *testing.T) {
		many := mkTickets(t, ts, "printer", change.MaxOps+10)
		p, err := ps.Open(ctx, "lead", NewProblem{Title: "Printers", Tickets: many})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Incidents) != len(many) {
			t.Fatalf("%d incidents, want %d", len(p.Incidents), len(many))
		}
		got, err := ps.Get(p.ID)
		if err != nil || len(got.Incidents) != len(many) {
			t.Fatalf("reread: %d incidents, %v", len(got.Incidents), err)
		}
	})
}

func TestOpenRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	st := storetest.OpenWith(t, store.Options{Now: c.Now})
	ps := NewService(st, c.Now)
	ids := mkTickets(t, ticket.NewService(st, nil), "vpn", 1)
	tests := []struct {
		name      string
		in        NewProblem
		wantField string
	}{
		{"nothing to go on", NewProblem{Title: "x"}, "tickets"},
		{"no title from tickets", NewProblem{Tickets: ids}, "title"},
		{"unknown ticket", NewProblem{Title: "x", Tickets: []string{ids[0], "nosuchticket"}}, "tickets"},
		{"malformed ticket id", NewProblem{Title: "x", Tickets: []string{"a b"}}, "tickets"},
		{"bad lens", NewProblem{Title: "x", Tickets: ids, Lens: "karma"}, "lens"},
		{"bad origin", NewProblem{Title: "x", Tickets: ids, Origin: "dream"}, "origin"},
		{"trend without category or term", NewProblem{Title: "x", Origin: OriginTrend}, "category"},
		{"control character", NewProblem{Title: "a\x01", Tickets: ids}, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ps.Open(context.Background(), "lead", tt.in)
			fe, ok := field.As(err)
			if !ok || fe.Field != tt.wantField {
				t.Fatalf("Open = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	if n := count(t, st); n != 0 {
		t.Fatalf("%d problems written by bad input", n)
	}
}

func TestLifecycleAndActions(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	st := storetest.OpenWith(t, store.Options{Now: c.Now})
	ps := NewService(st, c.Now)
	ctx := context.Background()
	ids := mkTickets(t, ticket.NewService(st, nil), "vpn", 2)
	p, err := ps.Open(ctx, "lead", NewProblem{Title: "VPN", Tickets: ids[:1]})
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name      string
		do        func() (Problem, error)
		wantField string
		check     func(Problem) bool
	}{
		{"open cannot close", func() (Problem, error) { return ps.SetStatus(ctx, "lead", p.ID, StatusClosed) }, "status", nil},
		{"unknown status", func() (Problem, error) { return ps.SetStatus(ctx, "lead", p.ID, "done") }, "status", nil},
		{"investigate", func() (Problem, error) { return ps.SetStatus(ctx, "lead", p.ID, StatusInvestigating) }, "",
			func(p Problem) bool { return p.Status == StatusInvestigating }},
		{"lens and workaround", func() (Problem, error) {
			l, w := LensTraining, "Reconnect from the tray menu"
			return ps.Update(ctx, "lead", p.ID, Patch{Lens: &l, Workaround: &w})
		}, "", func(p Problem) bool { return p.Lens == LensTraining && p.Workaround == "Reconnect from the tray menu" }},
		{"training without trainees", func() (Problem, error) {
			return ps.Update(ctx, "lead", p.ID, Patch{Training: &Training{Item: "VPN client profiles"}})
		}, "training.technicians", nil},
		{"training item", func() (Problem, error) {
			return ps.Update(ctx, "lead", p.ID, Patch{Training: &Training{Item: "VPN client profiles", Technicians: []string{"tech-a", "tech-b", "tech-a"}}})
		}, "", func(p Problem) bool { return p.Training != nil && len(p.Training.Technicians) == 2 }},
		{"change request without team", func() (Problem, error) {
			return ps.Update(ctx, "lead", p.ID, Patch{ChangeRequest: &ChangeRequest{Text: "Raise the IKE lifetime"}})
		}, "changeRequest.team", nil},
		{"change request bad status", func() (Problem, error) {
			return ps.Update(ctx, "lead", p.ID, Patch{ChangeRequest: &ChangeRequest{Text: "Raise the IKE lifetime", Team: "Network", Status: "maybe"}})
		}, "changeRequest.status", nil},
		{"change request", func() (Problem, error) {
			return ps.Update(ctx, "lead", p.ID, Patch{ChangeRequest: &ChangeRequest{Text: "Raise the IKE lifetime", Team: "Network"}})
		}, "", func(p Problem) bool { return p.ChangeRequest != nil && p.ChangeRequest.Status == "requested" }},
		{"resolve needs a fix", func() (Problem, error) { return ps.SetStatus(ctx, "lead", p.ID, StatusResolved) }, "fix", nil},
		{"fix", func() (Problem, error) {
			f, sop := "New VPN profile pushed to all laptops", "sop-vpn-profile"
			return ps.Update(ctx, "lead", p.ID, Patch{Fix: &f, SOP: &sop})
		}, "", func(p Problem) bool { return p.SOP == "sop-vpn-profile" && p.FixedAt == nil }},
		{"resolve records the fix date", func() (Problem, error) {
			c.Add(3 * time.Hour)
			return ps.SetStatus(ctx, "lead", p.ID, StatusResolved)
		}, "", func(p Problem) bool { return p.FixedAt != nil && p.FixedAt.Equal(t0.Add(3*time.Hour)) }},
		{"link more", func() (Problem, error) { return ps.Link(ctx, "lead", p.ID, ids) }, "",
			func(p Problem) bool { return len(p.Incidents) == 2 }},
		{"note", func() (Problem, error) { return ps.AddNote(ctx, "lead", p.ID, "Rekey at 60 minutes matches the drops") }, "",
			func(p Problem) bool { return len(p.Notes) == 1 && p.Notes[0].Author == "lead" }},
		{"close", func() (Problem, error) { return ps.SetStatus(ctx, "lead", p.ID, StatusClosed) }, "",
			func(p Problem) bool { return p.Status == StatusClosed }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := s.do()
			if s.wantField != "" {
				if fe, ok := field.As(err); !ok || fe.Field != s.wantField {
					t.Fatalf("got %v, want a %s field error", err, s.wantField)
				}
				return
			}
			if err != nil || !s.check(got) {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestIncidentsMergeAddWins(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	a, b := storetest.OpenWith(t, store.Options{Now: c.Now}), storetest.OpenWith(t, store.Options{Now: c.Now})
	ctx := context.Background()
	pa, pb := NewService(a, c.Now), NewService(b, c.Now)
	ids := mkTickets(t, ticket.NewService(a, nil), "vpn", 3)
	p, err := pa.Open(ctx, "lead", NewProblem{Title: "VPN", Tickets: ids[:2]})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a, b)
	// Offline at the same time: A unlinks ticket 0 and ticket 1; B links ticket 2
	// and, not having seen A's unlink, links ticket 1 again.
	if _, err := pa.Unlink(ctx, "lead", p.ID, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := pa.Unlink(ctx, "lead", p.ID, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := pb.Link(ctx, "coordinator", p.ID, []string{ids[2]}); err != nil {
		t.Fatal(err)
	}
	rec, _ := b.Get(Kind, p.ID)
	_, err = b.Update(ctx, "coordinator", func(tx *store.Tx) error {
		_, err := tx.Write(Kind, p.ID, []change.Op{{Op: change.OpAdd, Field: fIncidents, Elem: ids[1]}})
		return err
	})
	if err != nil || len(rec.Members(fIncidents)) != 3 {
		t.Fatalf("re-link on b: %v (b had %v)", err, rec.Members(fIncidents))
	}
	storetest.Sync(t, a, b)
	want := []string{ids[1], ids[2]}
	slices.Sort(want)
	for name, s := range map[string]*Service{"a": pa, "b": pb} {
		got, err := s.Get(p.ID)
		if err != nil || !slices.Equal(got.Incidents, want) {
			t.Fatalf("replica %s incidents = %v, %v; want %v", name, got.Incidents, err, want)
		}
	}
}

func TestListAndDelete(t *testing.T) {
	t.Parallel()
	c := storetest.NewClock(t0)
	st := storetest.OpenWith(t, store.Options{Now: c.Now})
	ps := NewService(st, c.Now)
	ctx := context.Background()
	first, _ := ps.Open(ctx, "lead", NewProblem{Category: "printing"})
	fix := "Driver replaced"
	_, _ = ps.Update(ctx, "lead", first.ID, Patch{Fix: &fix})
	if _, err := ps.SetStatus(ctx, "lead", first.ID, StatusResolved); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Hour)
	second, _ := ps.Open(ctx, "lead", NewProblem{Category: "vpn"})
	third, _ := ps.Open(ctx, "lead", NewProblem{Category: "email"})
	if err := ps.Delete(ctx, "lead", third.ID); err != nil {
		t.Fatal(err)
	}
	list, err := ps.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range list {
		got = append(got, p.ID)
	}
	if !slices.Equal(got, []string{second.ID, first.ID}) {
		t.Fatalf("list = %v, want active %s then resolved %s", got, second.ID, first.ID)
	}
	if _, err := ps.Get(third.ID); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("deleted problem: %v", err)
	}
}
