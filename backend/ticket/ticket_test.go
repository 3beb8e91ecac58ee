package ticket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

func newTicket(t *testing.T, s *Service) Ticket {
	t.Helper()
	tk, err := s.Create(context.Background(), "alice", NewTicket{Title: "VPN drops every hour", Category: "network", Impact: High, Urgency: Medium, Tags: []string{" VPN ", "vpn", "remote"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestCreate(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st, nil)
	tk := newTicket(t, s)
	if tk.Priority != 2 || tk.Status != StatusNew || tk.Tier != 1 || tk.Source != SourcePhone {
		t.Fatalf("ticket = %+v", tk.Summary)
	}
	if want := st.Device().Tag() + "-1"; tk.Number != want {
		t.Fatalf("number = %q, want %q", tk.Number, want)
	}
	if strings.Join(tk.Tags, ",") != "remote,vpn" {
		t.Fatalf("tags = %v", tk.Tags)
	}
	second := newTicket(t, s)
	if second.Number != st.Device().Tag()+"-2" {
		t.Fatalf("second number = %q", second.Number)
	}
}

func TestCreateRejectsBadInputAndWritesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        NewTicket
		wantField string
	}{
		{"missing title", NewTicket{Title: "  "}, "title"},
		{"title too long", NewTicket{Title: strings.Repeat("x", MaxTitle+1)}, "title"},
		{"control character", NewTicket{Title: "a\x00b"}, "title"},
		{"invalid utf-8", NewTicket{Title: "ok", Description: "\xff\xfe"}, "description"},
		{"huge description", NewTicket{Title: "ok", Description: strings.Repeat("d", MaxDescription+1)}, "description"},
		{"bad impact", NewTicket{Title: "ok", Impact: "critical"}, "impact"},
		{"bad source", NewTicket{Title: "ok", Source: "fax"}, "source"},
		{"tag with colon", NewTicket{Title: "ok", Tags: []string{"a:b"}}, "tags"},
	}
	st := storetest.Open(t)
	s := NewService(st, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Create(context.Background(), "alice", tt.in)
			fe, ok := field.As(err)
			if !ok || fe.Field != tt.wantField {
				t.Fatalf("Create = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	n := 0
	_ = st.Scan(Kind, func(_ change.Record) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d tickets written by invalid input", n)
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), nil)
	ctx := context.Background()
	tk := newTicket(t, s)
	steps := []struct {
		to      Status
		wantErr bool
	}{
		{StatusClosed, true}, // new cannot close directly
		{StatusInProgress, false},
		{StatusWaitingRequester, false},
		{StatusReopened, true},
		{StatusResolved, false},
		{StatusInProgress, true},
		{StatusClosed, false},
		{StatusReopened, false},
		{"flying", true},
	}
	for _, st := range steps {
		got, err := s.Transition(ctx, "bob", tk.ID, st.to, "")
		if st.to == StatusResolved {
			// Transition does not resolve: that needs a code and a note.
			if fe, ok := field.As(err); !ok || fe.Field != "code" {
				t.Fatalf("Transition to resolved = %v, want a field error on code", err)
			}
			got, err = s.Resolve(ctx, "bob", tk.ID, "fixed", "Reset the profile")
		}
		if st.wantErr {
			if _, ok := field.As(err); !ok {
				t.Fatalf("Transition to %s = %v, want a field error", st.to, err)
			}
			continue
		}
		if err != nil || got.Status != st.to {
			t.Fatalf("Transition to %s = %v, %v", st.to, got.Status, err)
		}
	}
}

func TestAssignAndEscalate(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), nil)
	ctx := context.Background()
	tk := newTicket(t, s)
	tk, err := s.Assign(ctx, "lead", tk.ID, "tech-1")
	if err != nil || tk.Status != StatusAssigned || tk.Assignee != "tech-1" {
		t.Fatalf("Assign = %+v, %v", tk.Summary, err)
	}
	_, err = s.Escalate(ctx, "tech-1", tk.ID, EscalateInput{ToTier: 2, Reason: "needs firewall access", Handover: "see"})
	if fe, ok := field.As(err); !ok || fe.Field != "handover" {
		t.Fatalf("escalation without real handover = %v", err)
	}
	_, err = s.Escalate(ctx, "tech-1", tk.ID, EscalateInput{ToTier: 1, Reason: "x", Handover: strings.Repeat("h", 30)})
	if fe, ok := field.As(err); !ok || fe.Field != "toTier" {
		t.Fatalf("escalation to same tier = %v", err)
	}
	tk, err = s.Escalate(ctx, "tech-1", tk.ID, EscalateInput{ToTier: 2, To: "tech-2", Reason: "needs firewall access",
		Handover: "Checked client logs: IKE phase 2 fails after rekey. Firewall config is next."})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Tier != 2 || tk.Assignee != "tech-2" || len(tk.Escalations) != 1 || tk.Escalations[0].By != "tech-1" || tk.Escalations[0].FromTier != 1 {
		t.Fatalf("after escalation: %+v %+v", tk.Summary, tk.Escalations)
	}
}

func TestPriorityFollowsMatrixUnlessOverridden(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), nil)
	ctx := context.Background()
	tk := newTicket(t, s)
	low := Low
	tk, _ = s.Update(ctx, "a", tk.ID, Patch{Impact: &low})
	if tk.Priority != 4 {
		t.Fatalf("low impact, medium urgency = P%d, want P4", tk.Priority)
	}
	if _, err := s.OverridePriority(ctx, "lead", tk.ID, 1, ""); err == nil {
		t.Fatal("override without a reason accepted")
	}
	tk, _ = s.OverridePriority(ctx, "lead", tk.ID, 1, "CEO's laptop")
	high := High
	tk, _ = s.Update(ctx, "a", tk.ID, Patch{Urgency: &high})
	if tk.Priority != 1 || !tk.PriorityOverride {
		t.Fatalf("override lost on urgency change: P%d override=%v", tk.Priority, tk.PriorityOverride)
	}
	tk, _ = s.OverridePriority(ctx, "lead", tk.ID, 0, "")
	if tk.Priority != 3 || tk.PriorityOverride {
		t.Fatalf("after clearing override: P%d", tk.Priority)
	}
}

func TestConcurrentEditIsFlaggedAndResolvable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := storetest.Open(t), storetest.Open(t)
	sa, sb := NewService(a, nil), NewService(b, nil)
	tk := newTicket(t, sa)
	exchange := func(from, to *store.Store) {
		have, _ := to.Vector()
		cs, _ := from.ChangesAfter(have, 1<<20)
		if _, err := to.Apply(cs); err != nil {
			t.Fatal(err)
		}
	}
	exchange(a, b)
	// Both edit the title without seeing each other.
	t1, t2 := "VPN drops hourly (laptops)", "VPN drops hourly since update"
	if _, err := sa.Update(ctx, "alice", tk.ID, Patch{Title: &t1}); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Update(ctx, "bob", tk.ID, Patch{Title: &t2}); err != nil {
		t.Fatal(err)
	}
	exchange(a, b)
	exchange(b, a)
	ga, _ := sa.Get(tk.ID)
	gb, _ := sb.Get(tk.ID)
	if ga.Title != gb.Title || !ga.Conflict || len(ga.Conflicts) != 1 || len(ga.Conflicts[0].Values) != 2 {
		t.Fatalf("concurrent edit not flagged: %+v", ga.Conflicts)
	}
	hist, _ := sa.History(tk.ID)
	concurrent := 0
	for _, e := range hist {
		if e.Field == "title" && e.Concurrent {
			concurrent++
		}
	}
	if concurrent != 2 {
		t.Fatalf("history marks %d concurrent title writes, want 2", concurrent)
	}
	loser := ga.Conflicts[0].Values[1]
	res, err := sa.ResolveConflict(ctx, "alice", tk.ID, "title", loser.Write)
	if err != nil || res.Conflict || res.Title == ga.Title {
		t.Fatalf("resolve = %+v, %v", res.Summary, err)
	}
	// A later sequential edit on b after seeing the resolution is no conflict.
	exchange(a, b)
	t3 := "VPN drops hourly"
	gb, _ = sb.Update(ctx, "bob", tk.ID, Patch{Title: &t3})
	if gb.Conflict {
		t.Fatalf("sequential overwrite flagged as conflict")
	}
	// Once settled, the history still says which writes were concurrent, and only those.
	hist, _ = sb.History(tk.ID)
	var marks []string
	for _, e := range hist {
		if e.Field == "title" {
			marks = append(marks, fmt.Sprintf("%s concurrent=%v resolves=%v", e.Value, e.Concurrent, e.Resolves))
		}
	}
	want := []string{
		fmt.Sprintf("%q concurrent=false resolves=false", tk.Title),
		fmt.Sprintf("%q concurrent=true resolves=false", t1),
		fmt.Sprintf("%q concurrent=true resolves=false", t2),
		fmt.Sprintf("%s concurrent=false resolves=true", loser.Value),
		fmt.Sprintf("%q concurrent=false resolves=false", t3),
	}
	// The two concurrent writes come in the order of their devices' IDs, which are random.
	if len(marks) == len(want) {
		slices.Sort(marks[1:3])
		slices.Sort(want[1:3])
	}
	if !slices.Equal(marks, want) {
		t.Fatalf("title history after settling:\n%s\nwant\n%s", strings.Join(marks, "\n"), strings.Join(want, "\n"))
	}
}

func TestClosedIsNotUndoneByConcurrentProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := storetest.Open(t), storetest.Open(t)
	sa, sb := NewService(a, nil), NewService(b, nil)
	tk := newTicket(t, sa)
	_, _ = sa.Resolve(ctx, "a", tk.ID, "fixed", "fixed it")
	have, _ := b.Vector()
	cs, _ := a.ChangesAfter(have, 1<<20)
	_, _ = b.Apply(cs)
	if _, err := sa.Transition(ctx, "a", tk.ID, StatusClosed, ""); err != nil {
		t.Fatal(err)
	}
	// b has not seen the close; its writes come later and win by HLC alone.
	_, _ = sb.Transition(ctx, "b", tk.ID, StatusReopened, "")
	if _, err := sb.Transition(ctx, "b", tk.ID, StatusInProgress, ""); err != nil {
		t.Fatal(err)
	}
	have, _ = a.Vector()
	cs, _ = b.ChangesAfter(have, 1<<20)
	_, _ = a.Apply(cs)
	got, _ := sa.Get(tk.ID)
	rec, _ := a.Get(Kind, tk.ID)
	if rec.String("status") != string(StatusInProgress) {
		t.Fatalf("provisional winner = %s; the test needs in_progress to win by HLC", rec.String("status"))
	}
	if got.Status != StatusClosed || !got.Conflict {
		t.Fatalf("status = %s conflict=%v, want closed and flagged", got.Status, got.Conflict)
	}
}

func TestLinksAndTags(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), nil)
	ctx := context.Background()
	a, b := newTicket(t, s), newTicket(t, s)
	if _, err := s.Link(ctx, "x", a.ID, Link{Type: LinkDuplicateOf, Target: "nope"}); err == nil {
		t.Fatal("link to a missing ticket accepted")
	}
	got, err := s.Link(ctx, "x", a.ID, Link{Type: LinkDuplicateOf, Target: b.ID})
	if err != nil || len(got.Links) != 1 || got.Links[0].Target != b.ID {
		t.Fatalf("Link = %+v, %v", got.Links, err)
	}
	got, _ = s.Unlink(ctx, "x", a.ID, Link{Type: LinkDuplicateOf, Target: b.ID})
	if len(got.Links) != 0 {
		t.Fatalf("Unlink left %+v", got.Links)
	}
	tags := []string{"printer"}
	got, _ = s.Update(ctx, "x", a.ID, Patch{Tags: &tags})
	if strings.Join(got.Tags, ",") != "printer" {
		t.Fatalf("tags = %v", got.Tags)
	}
	if err := s.Delete(ctx, "x", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get deleted = %v", err)
	}
}

func TestWorkLogAndComments(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), nil)
	ctx := context.Background()
	tk := newTicket(t, s)
	if _, err := s.LogWork(ctx, "bob", tk.ID, 0, ""); err == nil {
		t.Fatal("zero minutes accepted")
	}
	tk, _ = s.LogWork(ctx, "bob", tk.ID, 25, "remote session")
	tk, _ = s.Comment(ctx, "bob", tk.ID, "Asked the user to reboot", false)
	if len(tk.WorkLogs) != 1 || tk.WorkLogs[0].Minutes != 25 || tk.WorkLogs[0].Author != "bob" || len(tk.Comments) != 1 {
		t.Fatalf("worklogs %+v comments %+v", tk.WorkLogs, tk.Comments)
	}
}

func TestResolveNeedsACodeAndANote(t *testing.T) {
	t.Parallel()
	s := NewService(storetest.Open(t), nil)
	s.CheckCodes(func(c string) (bool, error) { return c == "fixed" || c == "workaround", nil })
	ctx := context.Background()
	tk := newTicket(t, s)
	for _, tc := range []struct{ code, note, field string }{
		{"", "Replaced the cable", "code"},
		{"magic", "Replaced the cable", "code"},
		{"fixed", "", "note"},
		{"fixed", "ok", "note"},
	} {
		_, err := s.Resolve(ctx, "bob", tk.ID, tc.code, tc.note)
		if fe, ok := field.As(err); !ok || fe.Field != tc.field {
			t.Errorf("Resolve(%q, %q) = %v, want a field error on %s", tc.code, tc.note, err, tc.field)
		}
	}
	got, err := s.Resolve(ctx, "bob", tk.ID, "workaround", "Gave a hotspot until the line is fixed")
	if err != nil || got.Status != StatusResolved || got.Resolution != "workaround" {
		t.Fatalf("Resolve = %+v, %v", got.Summary, err)
	}
	if got.ResolutionNote != "Gave a hotspot until the line is fixed" {
		t.Fatalf("resolution note = %q", got.ResolutionNote)
	}
}
