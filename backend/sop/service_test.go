package sop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

// fixedDay is the injected clock: 2025-03-10 at noon.
func fixedDay() time.Time { return time.Date(2025, 3, 10, 12, 0, 0, 0, time.Local) }

func newSOP(t *testing.T, s *Service, in NewSOP) SOP {
	t.Helper()
	sp, err := s.Create(context.Background(), "alice", in)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestCreateAndGet(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), fixedDay)
	sp := newSOP(t, s, NewSOP{Title: " Reset a VPN token ", Body: "1. Open the portal\n", Category: "network",
		Tags: []string{"VPN", "vpn", " token "}, Owner: "alice", ReviewBy: "2025-06-01"})
	got, err := s.Get(sp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Reset a VPN token" || got.Body != "1. Open the portal\n" || got.Category != "network" ||
		strings.Join(got.Tags, ",") != "token,vpn" || got.Owner != "alice" || got.ReviewBy != "2025-06-01" ||
		got.Stale || got.Forked || got.Revisions != 1 || len(got.Heads) != 1 || got.Current != got.Heads[0].ID {
		t.Fatalf("SOP = %+v", got)
	}
	if _, err := s.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
}

func TestBadInputIsRefusedByFieldAndWritesNothing(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, fixedDay)
	sp := newSOP(t, s, NewSOP{Title: "Printer jam", Body: "Open tray 2."})
	ctx := context.Background()
	tests := []struct {
		name      string
		do        func() error
		wantField string
	}{
		{"missing title", func() error { _, err := s.Create(ctx, "a", NewSOP{Title: " "}); return err }, "title"},
		{"body over the limit", func() error {
			_, err := s.Create(ctx, "a", NewSOP{Title: "x", Body: strings.Repeat("a", MaxBody+1)})
			return err
		}, "body"},
		{"body with a NUL", func() error { _, err := s.Create(ctx, "a", NewSOP{Title: "x", Body: "a\x00"}); return err }, "body"},
		{"body of quotes too large once encoded", func() error {
			_, err := s.Create(ctx, "a", NewSOP{Title: "x", Body: strings.Repeat(`"`, MaxBody)})
			return err
		}, "body"},
		{"bad review date", func() error { _, err := s.Create(ctx, "a", NewSOP{Title: "x", ReviewBy: "next week"}); return err }, "reviewBy"},
		{"tag with colon", func() error { _, err := s.Create(ctx, "a", NewSOP{Title: "x", Tags: []string{"a:b"}}); return err }, "tags"},
		{"save without parents", func() error { _, err := s.Save(ctx, "a", sp.ID, "t", "b", nil, ""); return err }, "parents"},
		{"save on unknown parent", func() error {
			_, err := s.Save(ctx, "a", sp.ID, "t", "b", []string{"zz.1.0"}, "")
			return err
		}, "parents"},
		{"save naming a parent twice", func() error {
			_, err := s.Save(ctx, "a", sp.ID, "t", "b", []string{sp.Current, sp.Current}, "")
			return err
		}, "parents"},
		{"save over the limit", func() error {
			_, err := s.Save(ctx, "a", sp.ID, "t", strings.Repeat("b", MaxBody+1), []string{sp.Current}, "")
			return err
		}, "body"},
		{"restore unknown revision", func() error { _, err := s.Restore(ctx, "a", sp.ID, "zz.1.0"); return err }, "revision"},
		{"link missing ticket", func() error { _, err := s.LinkTicket(ctx, "a", sp.ID, "nope"); return err }, "ticket"},
		{"update bad date", func() error {
			d := "2025-13-01"
			_, err := s.Update(ctx, "a", sp.ID, Meta{ReviewBy: &d})
			return err
		}, "reviewBy"},
	}
	before, _ := st.StateHash()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe, ok := field.As(tt.do())
			if !ok || fe.Field != tt.wantField {
				t.Fatalf("got %v, want a %s field error", fe, tt.wantField)
			}
		})
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("refused input changed the store")
	}
}

func TestSaveContinuesAndAnUnchangedSaveWritesNothing(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, fixedDay)
	ctx := context.Background()
	sp := newSOP(t, s, NewSOP{Title: "Printer jam", Body: "Open tray 2.\n"})
	v1 := sp.Current
	sp, err := s.Save(ctx, "bob", sp.ID, "Printer jam (HP)", "Open tray 2.\nPull the green lever.\n", []string{v1}, "lever step")
	if err != nil {
		t.Fatal(err)
	}
	if sp.Revisions != 2 || sp.Forked || sp.Title != "Printer jam (HP)" || sp.Heads[0].Note != "lever step" ||
		!slices.Equal(sp.Heads[0].Parents, []string{v1}) {
		t.Fatalf("after save: %+v", sp)
	}
	before, _ := st.StateHash()
	again, err := s.Save(ctx, "bob", sp.ID, sp.Title, sp.Body, []string{sp.Current}, "")
	if err != nil || again.Revisions != 2 {
		t.Fatalf("unchanged save = %d revisions, %v", again.Revisions, err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("an unchanged save wrote a revision")
	}
	revs, err := s.Revisions(sp.ID)
	if err != nil || len(revs) != 2 || revs[0].ID != sp.Current || revs[1].ID != v1 || revs[0].Body != "" || !revs[0].Head || revs[1].Head {
		t.Fatalf("revisions = %+v, %v", revs, err)
	}
	old, err := s.Revision(sp.ID, v1)
	if err != nil || old.Body != "Open tray 2.\n" {
		t.Fatalf("revision %s = %+v, %v", v1, old, err)
	}
}

// Two devices save the same SOP while offline: after they sync each shows two
// heads; a save naming both heads closes the fork on both.
func TestConcurrentSavesForkAndAMergeClosesTheFork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stA, stB := storetest.Open(t), storetest.Open(t)
	a, b := NewService(stA, fixedDay), NewService(stB, fixedDay)
	sp := newSOP(t, a, NewSOP{Title: "Onboard a laptop", Body: "1. Enrol\n2. Encrypt\n"})
	storetest.Sync(t, stA, stB)
	base := sp.Current

	if _, err := a.Save(ctx, "alice", sp.ID, sp.Title, "1. Enrol in MDM\n2. Encrypt\n", []string{base}, "MDM"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Save(ctx, "bob", sp.ID, sp.Title, "1. Enrol\n2. Encrypt\n3. Install VPN\n", []string{base}, "VPN step"); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, stA, stB)
	ga, _ := a.Get(sp.ID)
	gb, _ := b.Get(sp.ID)
	if !ga.Forked || len(ga.Heads) != 2 || ga.Current != gb.Current || ga.Body != gb.Body {
		t.Fatalf("after concurrent saves: A %+v / B %+v", ga.Heads, gb.Heads)
	}
	if ls, _ := a.List(Filter{Forked: true}); len(ls) != 1 {
		t.Fatalf("forked list = %v", ls)
	}
	heads := []string{ga.Heads[0].ID, ga.Heads[1].ID}
	d, err := a.Diff(sp.ID, heads[1], heads[0])
	if err != nil || d.Added+d.Removed == 0 {
		t.Fatalf("diff of heads = %+v, %v", d, err)
	}
	merged := "1. Enrol in MDM\n2. Encrypt\n3. Install VPN\n"
	if _, err := b.Save(ctx, "bob", sp.ID, sp.Title, merged, heads, ""); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, stA, stB)
	ga, _ = a.Get(sp.ID)
	if ga.Forked || len(ga.Heads) != 1 || ga.Body != merged || ga.Revisions != 4 || !strings.HasPrefix(ga.Heads[0].Note, "Merged") {
		t.Fatalf("after merge: %+v", ga)
	}
}

func TestRestoreWritesTheOldTextOverEveryHead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewService(storetest.Open(t), fixedDay)
	sp := newSOP(t, s, NewSOP{Title: "Mail quota", Body: "Raise to 50 GB.\n"})
	v1 := sp.Current
	sp, _ = s.Save(ctx, "bob", sp.ID, "Mail quota v2", "Archive first.\n", []string{v1}, "")
	sp, err := s.Restore(ctx, "carol", sp.ID, v1)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Title != "Mail quota" || sp.Body != "Raise to 50 GB.\n" || sp.Revisions != 3 || sp.Forked ||
		sp.Heads[0].Author != "carol" || !strings.Contains(sp.Heads[0].Note, v1) {
		t.Fatalf("after restore: %+v", sp)
	}
}

func TestStaleListForAnOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewService(storetest.Open(t), fixedDay) // today is 2025-03-10
	newSOP(t, s, NewSOP{Title: "A", Owner: "alice", ReviewBy: "2025-03-09"})
	newSOP(t, s, NewSOP{Title: "B", Owner: "alice", ReviewBy: "2025-03-10"}) // due today: not stale yet
	newSOP(t, s, NewSOP{Title: "C", Owner: "alice", ReviewBy: "2024-12-01"})
	newSOP(t, s, NewSOP{Title: "D", Owner: "bob", ReviewBy: "2025-01-01"})
	e := newSOP(t, s, NewSOP{Title: "E", Owner: "alice"})
	tests := []struct {
		owner string
		want  []string
	}{
		{"alice", []string{"C", "A"}},
		{"Bob", []string{"D"}},
		{"", []string{"C", "D", "A"}},
		{"carol", nil},
	}
	for _, tt := range tests {
		t.Run("owner "+tt.owner, func(t *testing.T) {
			got, err := s.Stale(tt.owner)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, g := range got {
				titles = append(titles, g.Title)
				if !g.Stale {
					t.Errorf("%s not flagged stale", g.Title)
				}
			}
			if !slices.Equal(titles, tt.want) {
				t.Fatalf("stale(%q) = %v, want %v", tt.owner, titles, tt.want)
			}
		})
	}
	past := "2025-02-01"
	if sp, err := s.Update(ctx, "alice", e.ID, Meta{ReviewBy: &past}); err != nil || !sp.Stale {
		t.Fatalf("update review date: %+v, %v", sp.Summary, err)
	}
}

func TestLinkedTicketsAreCounted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	s := NewService(st, fixedDay)
	ts := ticket.NewService(st, nil)
	t1, _ := ts.Create(ctx, "alice", ticket.NewTicket{Title: "VPN down"})
	t2, _ := ts.Create(ctx, "alice", ticket.NewTicket{Title: "VPN slow"})
	sp := newSOP(t, s, NewSOP{Title: "VPN checklist"})
	for _, id := range []string{t1.ID, t2.ID, t1.ID} {
		var err error
		if sp, err = s.LinkTicket(ctx, "alice", sp.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	if sp.Resolved != 2 {
		t.Fatalf("resolved = %d, want 2", sp.Resolved)
	}
	sp, err := s.UnlinkTicket(ctx, "alice", sp.ID, t1.ID)
	if err != nil || sp.Resolved != 1 || !slices.Equal(sp.Tickets, []string{t2.ID}) {
		t.Fatalf("after unlink: %v %v", sp.Tickets, err)
	}
	if ls, _ := s.List(Filter{Sort: "resolved"}); len(ls) != 1 || ls[0].Resolved != 1 {
		t.Fatalf("list = %+v", ls)
	}
}

func TestDeletedSOPLeavesTheList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewService(storetest.Open(t), fixedDay)
	sp := newSOP(t, s, NewSOP{Title: "Old fax procedure"})
	if err := s.Delete(ctx, "alice", sp.ID); err != nil {
		t.Fatal(err)
	}
	if ls, _ := s.List(Filter{}); len(ls) != 0 {
		t.Fatalf("list after delete = %v", ls)
	}
	if _, err := s.Get(sp.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(deleted) = %v", err)
	}
}

// With summaries kept in memory, the list follows local and remote changes exactly as a scan does.
func TestKeptSummariesFollowTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stA, stB := storetest.Open(t), storetest.Open(t)
	a, b := NewService(stA, fixedDay), NewService(stB, fixedDay)
	stop := b.KeepSummaries()
	defer stop()
	scan := NewService(stB, fixedDay) // no cache: reads every record
	same := func(step string) {
		t.Helper()
		for _, f := range []Filter{{}, {Stale: true}, {Forked: true, Sort: "updated"}, {Tag: "vpn"}} {
			got, err1 := b.List(f)
			want, err2 := scan.List(f)
			if err1 != nil || err2 != nil || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s, filter %+v: kept %v\nscan %v (%v %v)", step, f, got, want, err1, err2)
			}
		}
	}
	same("empty")
	x := newSOP(t, b, NewSOP{Title: "Local", Tags: []string{"vpn"}, ReviewBy: "2025-01-01"})
	same("after a local create")
	y := newSOP(t, a, NewSOP{Title: "Remote"})
	storetest.Sync(t, stA, stB)
	same("after a remote create")
	if _, err := a.Save(ctx, "alice", y.ID, "Remote v2", "b", []string{y.Current}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Save(ctx, "bob", y.ID, "Remote v2b", "c", []string{y.Current}, ""); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, stA, stB)
	same("after concurrent saves")
	if err := b.Delete(ctx, "bob", x.ID); err != nil {
		t.Fatal(err)
	}
	same("after a delete")
	if l, _ := b.List(Filter{}); len(l) != 1 || !l[0].Forked || l[0].Title == "Remote" {
		t.Fatalf("list = %+v", l)
	}
}
