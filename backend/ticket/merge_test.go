package ticket

import (
	"context"
	"errors"
	"strings"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store/storetest"
)

func TestMergeMovesWorkAndClosesSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	s := NewService(st, nil)
	target, err := s.Create(ctx, "alice", NewTicket{Title: "Printer on floor 2 jams", Requester: Requester{Name: "Dana", Contact: "dana@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	source, err := s.Create(ctx, "bob", NewTicket{Title: "Floor 2 printer eats paper", Requester: Requester{Name: "Eli", Contact: "eli@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	other := newTicket(t, s)
	if _, err := s.Comment(ctx, "bob", source.ID, "Tray 3 is the one that jams.", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogWork(ctx, "bob", source.ID, 25, "cleaned rollers"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link(ctx, "bob", source.ID, Link{Type: LinkRelated, Target: other.ID}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Merge(ctx, "carol", source.ID, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	var moved *Comment
	for i, c := range got.Comments {
		if c.Body == "Tray 3 is the one that jams." {
			moved = &got.Comments[i]
		}
	}
	if moved == nil || moved.Author != "bob" || moved.MergedFrom != source.Number {
		t.Fatalf("moved comment = %+v (comments %+v)", moved, got.Comments)
	}
	if len(got.WorkLogs) != 1 || got.WorkLogs[0].Minutes != 25 || got.WorkLogs[0].Author != "bob" {
		t.Fatalf("work logs = %+v", got.WorkLogs)
	}
	if len(got.OtherRequesters) != 1 || got.OtherRequesters[0].Name != "Eli" {
		t.Fatalf("requesters = %+v", got.OtherRequesters)
	}
	if !hasLink(got.Links, LinkRelated, other.ID) || len(got.MergedFrom) != 1 || got.MergedFrom[0] != source.ID {
		t.Fatalf("links %+v, mergedFrom %v", got.Links, got.MergedFrom)
	}
	src, err := s.Get(source.ID)
	if err != nil {
		t.Fatal(err)
	}
	if src.Status != StatusClosed || src.MergedInto != target.ID || !hasLink(src.Links, LinkDuplicateOf, target.ID) {
		t.Fatalf("source = %+v", src)
	}
	if last := src.Comments[len(src.Comments)-1]; !strings.Contains(last.Body, "Merged into "+target.Number) {
		t.Fatalf("source's last comment = %q", last.Body)
	}
	// Both histories are kept: the source's comment and work log stay on it too.
	if len(src.WorkLogs) != 1 {
		t.Fatalf("source lost its work log: %+v", src.WorkLogs)
	}
	for _, id := range []string{source.ID, target.ID} {
		h, err := s.History(id)
		if err != nil || len(h) == 0 {
			t.Fatalf("history of %s: %v, %d entries", id, err, len(h))
		}
	}
	// A later edit of the source lands on the target.
	if _, err := s.Comment(ctx, "bob", source.ID, "Replaced the roller, works now.", false); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(target.ID)
	if got.Comments[len(got.Comments)-1].Body != "Replaced the roller, works now." {
		t.Fatalf("later comment on the source did not follow it: %+v", got.Comments)
	}
	// Refusals.
	for name, err := range map[string]error{
		"again":             second(s.Merge(ctx, "carol", source.ID, target.ID)),
		"itself":            second(s.Merge(ctx, "carol", target.ID, target.ID)),
		"into a merged one": second(s.Merge(ctx, "carol", other.ID, source.ID)),
		"unknown":           second(s.Merge(ctx, "carol", other.ID, "nope")),
	} {
		var fe *field.Error
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want a field error", name, err)
		}
	}
}

// A comment written on a device that had not seen the merge follows the source to the target.
func TestMergeLateEditFromPeerFollows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := storetest.Open(t), storetest.Open(t)
	sa, sb := NewService(a, nil), NewService(b, nil)
	target := newTicket(t, sa)
	source := newTicket(t, sa)
	storetest.Sync(t, a, b)
	if _, err := sa.Merge(ctx, "carol", source.ID, target.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.LogWork(ctx, "bob", source.ID, 40, "on site, offline"); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a, b)
	for _, s := range []*Service{sa, sb} {
		got, err := s.Get(target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.WorkLogs) != 1 || got.WorkLogs[0].Minutes != 40 || got.WorkLogs[0].MergedFrom != source.Number {
			t.Fatalf("target's work logs = %+v", got.WorkLogs)
		}
		src, _ := s.Get(source.ID)
		if src.Status != StatusClosed {
			t.Fatalf("source status = %s", src.Status)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func hasLink(ls []Link, typ LinkType, target string) bool {
	for _, l := range ls {
		if l.Type == typ && l.Target == target {
			return true
		}
	}
	return false
}
