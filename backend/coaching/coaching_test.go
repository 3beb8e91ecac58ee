package coaching

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/sealed"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
)

func TestWriteRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	tech := newDevice(t, "Bo", person.RoleTechnician, "techbo")
	nobody := newDevice(t, "", "", "")

	if _, err := tech.coach.AddNote(ctx, "techbo", Content{Body: "self notes"}, false); err == nil {
		t.Fatal("a technician wrote a coaching note")
	} else {
		wantErr(t, err, ErrNotAllowed, "")
	}
	_, err := nobody.coach.AddNote(ctx, "techbo", Content{Body: "x"}, false)
	wantErr(t, err, person.ErrNoIdentity, "")
	_, err = nobody.coach.Notes("techbo")
	wantErr(t, err, person.ErrNoIdentity, "")

	long := strings.Repeat("x", MaxBody+1)
	for _, tc := range []struct {
		name   string
		add    func() (Item, error)
		field  string
		target error
	}{
		{"note without body", func() (Item, error) { return lead.coach.AddNote(ctx, "techbo", Content{Title: "t"}, false) }, "body", nil},
		{"note body too long", func() (Item, error) { return lead.coach.AddNote(ctx, "techbo", Content{Body: long}, false) }, "body", nil},
		{"bad meeting date", func() (Item, error) {
			return lead.coach.AddNote(ctx, "techbo", Content{Body: "b", Date: "10/03/2026"}, false)
		}, "date", nil},
		{"goal without title", func() (Item, error) { return lead.coach.AddGoal(ctx, "techbo", Content{Body: "b"}, false) }, "title", nil},
		{"action with bad due date", func() (Item, error) {
			return lead.coach.AddAction(ctx, "techbo", Content{Title: "t", Due: "soon"}, false)
		}, "due", nil},
		{"bad ticket reference", func() (Item, error) {
			return lead.coach.AddNote(ctx, "techbo", Content{Body: "b", Tickets: []string{"a b"}}, false)
		}, "tickets", nil},
		{"no technician", func() (Item, error) { return lead.coach.AddNote(ctx, "", Content{Body: "b"}, false) }, "technicianId", nil},
		{"share with a technician who has no key", func() (Item, error) {
			return lead.coach.AddNote(ctx, "techcy", Content{Body: "b"}, true)
		}, "shared", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := lead.st.Vector()
			_, err := tc.add()
			wantErr(t, err, tc.target, tc.field)
			after, _ := lead.st.Vector()
			if before[lead.st.Device().ID] != after[lead.st.Device().ID] {
				t.Fatal("bad input wrote a change")
			}
		})
	}
}

func TestLeadAndTechnicianViews(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	tech := newDevice(t, "Bo", person.RoleTechnician, "techbo")
	coord := newDevice(t, "Cy", person.RoleCoordinator, "")
	storetest.Sync(t, lead.st, tech.st, coord.st) // the lead needs Bo's public key to share with him

	note, err := lead.coach.AddNote(ctx, "techbo", Content{Title: "March one-on-one", Body: "Talked about tone in tickets", Tickets: []string{"ABCD-12", "ABCD-12", " "}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if note.Date != "2026-03-10" || !slices.Equal(note.Tickets, []string{"ABCD-12"}) || note.Shared || !note.Mine {
		t.Fatalf("note = %+v", note)
	}
	goal, err := lead.coach.AddGoal(ctx, "techbo", Content{Title: "First-contact resolution", Target: "FCR >= 70%"}, true)
	if err != nil {
		t.Fatal(err)
	}
	action, err := lead.coach.AddAction(ctx, "techbo", Content{Title: "Read the VPN SOP", Due: "2026-03-01"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !action.Overdue || !goal.Shared {
		t.Fatalf("action %+v goal %+v", action, goal)
	}
	storetest.Sync(t, lead.st, tech.st, coord.st)

	t.Run("lead reads everything", func(t *testing.T) {
		v, err := lead.coach.Notes("techbo")
		if err != nil || v.Unreadable != 0 {
			t.Fatal(err, v.Unreadable)
		}
		if len(v.Notes) != 1 || len(v.Goals) != 1 || len(v.Actions) != 1 {
			t.Fatalf("view = %+v", v)
		}
		subs, _ := lead.coach.Subjects()
		if len(subs) != 1 || subs[0].Items != 3 || subs[0].OpenActions != 1 || subs[0].Overdue != 1 {
			t.Fatalf("subjects = %+v", subs)
		}
	})
	t.Run("technician reads shared items only", func(t *testing.T) {
		v, err := tech.coach.SharedWithMe()
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Notes) != 0 || !slices.Equal(titles(v.Goals), []string{"First-contact resolution"}) || len(v.Actions) != 1 {
			t.Fatalf("technician view = %+v", v)
		}
		if _, err := tech.coach.Get(note.ID); err == nil {
			t.Fatal("technician opened an unshared note")
		}
		_, err = tech.coach.SetActionDone(ctx, action.ID, true)
		wantErr(t, err, ErrNotAllowed, "")
	})
	t.Run("another coordinator reads nothing", func(t *testing.T) {
		v, err := coord.coach.Notes("techbo")
		if err != nil || len(v.Notes)+len(v.Goals)+len(v.Actions) != 0 {
			t.Fatalf("coordinator view = %+v, %v", v, err)
		}
		_, err = coord.coach.Update(ctx, note.ID, Content{Body: "overwrite"})
		wantErr(t, err, ErrNotFound, "")
	})

	// The lead shares the note, unshares the goal, ticks the action and deletes nothing yet.
	if it, err := lead.coach.Share(ctx, note.ID, true); err != nil || !it.Shared {
		t.Fatalf("share: %+v %v", it, err)
	}
	if it, err := lead.coach.Share(ctx, goal.ID, false); err != nil || it.Shared {
		t.Fatalf("unshare: %+v %v", it, err)
	}
	done, err := lead.coach.SetActionDone(ctx, action.ID, true)
	if err != nil || !done.Done || done.Overdue || !done.Shared {
		t.Fatalf("done: %+v %v", done, err)
	}
	_, err = lead.coach.SetActionDone(ctx, note.ID, true)
	wantErr(t, err, nil, "done")
	storetest.Sync(t, lead.st, tech.st, coord.st)
	v, _ := tech.coach.SharedWithMe()
	if len(v.Notes) != 1 || len(v.Goals) != 0 || len(v.Actions) != 1 || !v.Actions[0].Done {
		t.Fatalf("after sharing changes the technician sees %+v", v)
	}

	if err := lead.coach.Delete(ctx, note.ID); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, tech.st, coord.st)
	v, _ = tech.coach.SharedWithMe()
	lv, _ := lead.coach.Notes("techbo")
	if len(v.Notes) != 0 || len(lv.Notes) != 0 {
		t.Fatal("a deleted note is still listed")
	}
	_, err = lead.coach.Update(ctx, note.ID, Content{Body: "again"})
	wantErr(t, err, ErrNotFound, "")
}

func TestConcurrentEditsShowAsConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	laptop := newDevice(t, "Ana", person.RoleLead, "")
	text, err := laptop.people.Export("a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	desktop := newDevice(t, "", "", "")
	if _, err := desktop.people.Import(text, "a long enough passphrase"); err != nil {
		t.Fatal(err)
	}
	note, err := laptop.coach.AddNote(ctx, "techbo", Content{Body: "first draft"}, false)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, laptop.st, desktop.st)

	if _, err := laptop.coach.Update(ctx, note.ID, Content{Body: "edited on the laptop"}); err != nil {
		t.Fatal(err)
	}
	if _, err := desktop.coach.Update(ctx, note.ID, Content{Body: "edited on the desktop"}); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, laptop.st, desktop.st)

	for _, d := range []*device{laptop, desktop} {
		it, err := d.coach.Get(note.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(it.Conflicts) != 1 {
			t.Fatalf("conflicts = %+v, want the concurrent edit", it.Conflicts)
		}
		bodies := []string{it.Body, it.Conflicts[0].Content.Body}
		slices.Sort(bodies)
		if !slices.Equal(bodies, []string{"edited on the desktop", "edited on the laptop"}) {
			t.Fatalf("versions = %q", bodies)
		}
	}
	if _, err := desktop.coach.Update(ctx, note.ID, Content{Body: "merged by hand"}); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, laptop.st, desktop.st)
	it, _ := laptop.coach.Get(note.ID)
	if it.Body != "merged by hand" || len(it.Conflicts) != 0 {
		t.Fatalf("after settling: %+v", it)
	}
}

func TestDamagedItemIsCountedNotShown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	me, _, _ := lead.people.Current()
	good, err := lead.coach.AddNote(ctx, "techbo", Content{Body: "fine"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// A peer's bug or a hostile member writes a box naming the lead with bytes that are not a sealed item.
	_, err = lead.st.Update(ctx, "mallory", func(tx *store.Tx) error {
		ops := change.Ops{}
		ops.Set(fSubject, "techbo", nil)
		ops.Set(fAuthor, me.ID, nil)
		ops.Set(fSealed, sealed.Box{Readers: []string{me.ID}, Data: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCg=="}, nil)
		list, _ := ops.List()
		_, err := tx.Write(Kind, "forged", list)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := lead.coach.Notes("techbo")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Notes) != 1 || v.Notes[0].ID != good.ID || v.Unreadable != 1 {
		t.Fatalf("view = %+v, want the good note and one unreadable", v)
	}
	_, err = lead.coach.Update(ctx, "forged", Content{Body: "x"})
	if !errors.Is(err, sealed.ErrDamaged) {
		t.Fatalf("editing a damaged item: %v, want ErrDamaged", err)
	}
}

func TestOversizedItemNamesTheBody(t *testing.T) {
	t.Parallel()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	// Within the character limit, but four bytes per character is more than a sealed item may hold.
	body := strings.Repeat("\U0001F600", MaxBody)
	_, err := lead.coach.AddNote(context.Background(), "techbo", Content{Body: body}, false)
	wantErr(t, err, nil, "body")
}
