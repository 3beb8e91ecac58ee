package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
)

var today = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

type device struct {
	st     *store.Store
	people *person.Service
	rev    *Service
}

func newDevice(t *testing.T, name string, role person.Role, techID string) *device {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenWith(t, store.Options{Dir: dir})
	ppl, err := person.NewService(st, person.Options{Dir: dir, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ppl.SetUp(context.Background(), person.Profile{Name: name, Role: role, TechnicianID: techID}); err != nil {
		t.Fatal(err)
	}
	return &device{st: st, people: ppl, rev: NewService(st, ppl, func() time.Time { return today })}
}

func scores(d, c, doc, e int) map[Dimension]Score {
	return map[Dimension]Score{Diagnosis: {Score: d}, Communication: {Score: c}, Documentation: {Score: doc, Comment: "work log thin on the root cause"}, Escalation: {Score: e}}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	lead := newDevice(t, "Lena", person.RoleLead, "")
	ok := Content{Ticket: "tk1", Scores: scores(4, 4, 3, 5)}
	tests := []struct {
		name      string
		mutate    func(c *Content)
		wantField string
	}{
		{"no ticket", func(c *Content) { c.Ticket = "" }, "ticket"},
		{"missing dimension", func(c *Content) { delete(c.Scores, Escalation) }, "scores.escalation"},
		{"score 0", func(c *Content) { c.Scores[Diagnosis] = Score{Score: 0} }, "scores.diagnosis"},
		{"score 6", func(c *Content) { c.Scores[Communication] = Score{Score: 6} }, "scores.communication"},
		{"off the rubric", func(c *Content) { c.Scores["speed"] = Score{Score: 3} }, "scores"},
		{"bad date", func(c *Content) { c.Date = "10.03.2026" }, "date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			c.Scores = scores(4, 4, 3, 5)
			tt.mutate(&c)
			_, err := lead.rev.Add(context.Background(), "tech-sam", c, false)
			if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
				t.Fatalf("Add = %v, want a %s field error", err, tt.wantField)
			}
		})
	}
	if list, _, _ := lead.rev.List(""); len(list) != 0 {
		t.Fatalf("%d reviews written by bad input", len(list))
	}
}

// TestReviewsArePrivate checks what each device can read: the lead everything
// they wrote, the technician only what is shared, another member nothing, and
// the secret text never appears in the other devices' stored changes.
func TestReviewsArePrivate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Lena", person.RoleLead, "")
	sam := newDevice(t, "Sam", person.RoleTechnician, "tech-sam")
	other := newDevice(t, "Omar", person.RoleTechnician, "tech-omar")
	storetest.Sync(t, lead.st, sam.st, other.st)

	secret := "Diagnosis skipped the DHCP lease check entirely"
	c := Content{Ticket: "tk1", TicketNumber: "ABCD-1", Summary: secret, Scores: scores(2, 4, 3, 4)}
	rv, err := lead.rev.Add(ctx, "tech-sam", c, false)
	if err != nil || rv.Average != 3.25 || rv.Date != "2026-03-10" || !rv.Mine || rv.Shared {
		t.Fatalf("Add = %+v, %v", rv, err)
	}
	if _, err := sam.rev.Add(ctx, "tech-omar", c, false); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("a technician wrote a review: %v", err)
	}
	storetest.Sync(t, lead.st, sam.st, other.st)

	visible := func(d *device) int {
		t.Helper()
		list, damaged, err := d.rev.List("tech-sam")
		if err != nil || damaged != 0 {
			t.Fatalf("List = %v, %d damaged", err, damaged)
		}
		return len(list)
	}
	if visible(lead) != 1 || visible(sam) != 0 || visible(other) != 0 {
		t.Fatalf("unshared: lead %d, sam %d, other %d", visible(lead), visible(sam), visible(other))
	}
	if _, err := other.rev.Get(rv.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other member Get = %v", err)
	}
	for _, d := range []*device{sam, other} {
		cs, _ := d.st.ChangesAfter(store.Vector{}, 1<<30)
		for _, ch := range cs {
			b, _ := ch.Encode()
			if bytes.Contains(b, []byte("DHCP")) || bytes.Contains(b, []byte("ABCD-1")) {
				t.Fatal("review text stored in the clear on another member's device")
			}
		}
	}

	if _, err := lead.rev.Share(ctx, rv.ID, true); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, sam.st, other.st)
	if visible(sam) != 1 || visible(other) != 0 {
		t.Fatalf("shared: sam %d, other %d", visible(sam), visible(other))
	}
	got, err := sam.rev.Get(rv.ID)
	if err != nil || got.Summary != secret || got.Mine || !got.Shared {
		t.Fatalf("sam reads %+v, %v", got, err)
	}
	if _, err := sam.rev.Update(ctx, rv.ID, c); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("the technician changed the lead's review: %v", err)
	}
	if _, err := lead.rev.Share(ctx, rv.ID, false); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, sam.st, other.st)
	if visible(sam) != 0 {
		t.Fatal("unsharing left the current version readable by the technician")
	}
}

func TestSampleIsDeterministic(t *testing.T) {
	t.Parallel()
	var cands []Candidate
	for i := range 40 {
		who := "tech-sam"
		if i%4 == 0 {
			who = "tech-omar"
		}
		cands = append(cands, Candidate{ID: fmt.Sprintf("t%02d", i), Assignee: who, Resolved: today.Add(-time.Duration(i) * 24 * time.Hour)})
	}
	from, to := today.Add(-30*24*time.Hour), today.Add(time.Hour)
	a := Sample(cands, "tech-sam", from, to, 5, 42)
	rev := slices.Clone(cands)
	slices.Reverse(rev)
	b := Sample(rev, "tech-sam", from, to, 5, 42)
	c := Sample(cands, "tech-sam", from, to, 5, 43)
	ids := func(cs []Candidate) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if len(a) != 5 || !slices.Equal(ids(a), ids(b)) {
		t.Fatalf("same seed, different samples: %v vs %v", ids(a), ids(b))
	}
	if slices.Equal(ids(a), ids(c)) {
		t.Fatalf("seeds 42 and 43 gave the same sample %v", ids(a))
	}
	for _, x := range a {
		if x.Assignee != "tech-sam" || x.Resolved.Before(from) {
			t.Fatalf("sampled %+v outside the technician or period", x)
		}
	}
	if all := Sample(cands, "tech-sam", from, to, 100, 1); len(all) != 23 {
		t.Fatalf("n larger than the pool: %d, want every one of the 23 in the period", len(all))
	}
}

func TestTrend(t *testing.T) {
	t.Parallel()
	rv := func(date string, d, c, doc, e int) Review {
		return Review{Content: Content{Date: date, Scores: scores(d, c, doc, e)}}
	}
	got := Trend([]Review{rv("2026-03-02", 4, 4, 2, 4), rv("2026-02-20", 3, 3, 3, 3), rv("2026-03-20", 4, 5, 4, 4), rv("2026-02-01", 5, 5, 5, 5)})
	if len(got) != 2 || got[0].Month != "2026-02" || got[0].Average != 4 || got[1].By[Documentation] != 3 || got[1].Reviews != 2 || got[1].Average != 3.88 {
		t.Fatalf("trend = %+v", got)
	}
	avg, ok := AverageOf([]Review{rv("2026-03-02", 4, 4, 2, 4), rv("2026-03-20", 4, 5, 4, 4)}, Documentation, today.Add(-14*24*time.Hour), today)
	if !ok || avg != 2 {
		t.Fatalf("AverageOf = %v, %v", avg, ok)
	}
	if _, ok := AverageOf(nil, Documentation, today, today); ok {
		t.Fatal("average of nothing")
	}
}
