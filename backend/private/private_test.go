package private

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/sealed"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
)

var (
	errGone    = errors.New("note not found")
	errRefused = errors.New("not yours to write")
	errBig     = field.Errorf("text", "is too long to seal")
	today      = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
)

// note is the content of a test item.
type note struct {
	Text string `json:"text"`
	Day  string `json:"day"`
}

func (n *note) Normalize(today time.Time) {
	n.Text = strings.TrimSpace(n.Text)
	if n.Day == "" {
		n.Day = today.Format(time.DateOnly)
	}
}

func (n note) Validate() error { return field.Text("text", n.Text, sealed.MaxPlaintext, true, true) }

// device is one replica with its person and the notes they read and write.
type device struct {
	st     *store.Store
	people *person.Service
	me     person.Person
	notes  *Items[note, *note]
}

func newDevice(t *testing.T, name string, role person.Role, techID string) *device {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenWith(t, store.Options{Dir: dir})
	people, err := person.NewService(st, person.Options{Dir: dir, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	var me person.Person // no person yet when name is ""
	if name != "" {
		if me, err = people.SetUp(context.Background(), person.Profile{Name: name, Role: role, TechnicianID: techID}); err != nil {
			t.Fatal(err)
		}
	}
	notes := New[note](st, people, func() time.Time { return today }, Kind{
		Kind: "test-note", Noun: "note", NotAllowed: errRefused, TooLarge: errBig,
		Missing: func(id string) error { return fmt.Errorf("%w: %s", errGone, id) },
	})
	return &device{st: st, people: people, me: me, notes: notes}
}

// seen returns the notes d can read about techID and how many it found damaged.
func (d *device) seen(t *testing.T, techID string) ([]Opened[note], int) {
	t.Helper()
	rd, err := d.notes.Reader()
	if err != nil {
		t.Fatal(err)
	}
	var out []Opened[note]
	damaged, err := d.notes.Each(rd, techID, func(_ change.Record, o Opened[note]) { out = append(out, o) })
	if err != nil {
		t.Fatal(err)
	}
	return out, damaged
}

func TestAnItemIsReadOnlyByItsReaders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Lena", person.RoleLead, "")
	tech := newDevice(t, "Tom", person.RoleTechnician, "tech-tom")
	storetest.Sync(t, lead.st, tech.st)

	rec, err := lead.notes.Create(ctx, "tech-tom", note{Text: "  talk about the VPN backlog "}, false)
	if err != nil {
		t.Fatal(err)
	}
	_, o, err := lead.notes.Open(rec)
	if err != nil || o.Content != (note{Text: "talk about the VPN backlog", Day: "2026-03-10"}) || !o.Mine || o.Shared ||
		o.TechnicianID != "tech-tom" || o.AuthorID != lead.me.ID {
		t.Fatalf("the author opens %+v, %v", o, err)
	}
	storetest.Sync(t, lead.st, tech.st)
	if got, damaged := tech.seen(t, ""); len(got) != 0 || damaged != 0 {
		t.Fatalf("the technician sees %+v (%d damaged) of an unshared note", got, damaged)
	}
	if _, _, err := tech.notes.Open(rec); !errors.Is(err, errGone) {
		t.Fatalf("the technician opens an unshared note: %v", err)
	}

	if _, err := lead.notes.Edit(ctx, rec.ID, func(_ *note, shared *bool) error { *shared = true; return nil }); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, tech.st)
	got, _ := tech.seen(t, "tech-tom")
	if len(got) != 1 || got[0].Content.Text != "talk about the VPN backlog" || got[0].Mine || !got[0].Shared {
		t.Fatalf("the technician sees %+v of a shared note", got)
	}
	if got, _ := tech.seen(t, "tech-other"); len(got) != 0 {
		t.Fatalf("notes about another technician: %+v", got)
	}
	if _, err := tech.notes.Edit(ctx, rec.ID, func(n *note, _ *bool) error { n.Text = "mine now"; return nil }); !errors.Is(err, errRefused) {
		t.Fatalf("the technician edits the lead's note: %v", err)
	}
	if err := tech.notes.Delete(ctx, tech.me, rec.ID); !errors.Is(err, errRefused) {
		t.Fatalf("the technician deletes the lead's note: %v", err)
	}

	if err := lead.notes.Delete(ctx, lead.me, rec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := lead.notes.Get(rec.ID); !errors.Is(err, errGone) || !strings.Contains(err.Error(), rec.ID) {
		t.Fatalf("Get of a deleted note: %v", err)
	}
	if got, _ := lead.seen(t, ""); len(got) != 0 {
		t.Fatalf("a deleted note is listed: %+v", got)
	}
}

func TestConcurrentEditsAreSettledByTheNextSave(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The same lead on two devices: the person and key travel with an identity export.
	laptop := newDevice(t, "Lena", person.RoleLead, "")
	text, err := laptop.people.Export("a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	desktop := newDevice(t, "", "", "")
	if _, err := desktop.people.Import(text, "a long enough passphrase"); err != nil {
		t.Fatal(err)
	}
	rec, err := laptop.notes.Create(ctx, "tech-tom", note{Text: "first"}, false)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, laptop.st, desktop.st)
	edit := func(text string) func(*note, *bool) error {
		return func(n *note, _ *bool) error { n.Text = text; return nil }
	}
	if _, err := laptop.notes.Edit(ctx, rec.ID, edit("on the laptop")); err != nil {
		t.Fatal(err)
	}
	if _, err := desktop.notes.Edit(ctx, rec.ID, edit("on the desktop")); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, laptop.st, desktop.st)

	r, err := laptop.notes.Get(rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	rd, o, err := laptop.notes.Open(r)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Fields[FieldSealed]
	var other note
	if len(f.Conflict) != 1 || !rd.OpenRaw(f.Conflict[0].Value, &other) {
		t.Fatalf("conflict = %+v, want the concurrent version, readable", f.Conflict)
	}
	if got := []string{o.Content.Text, other.Text}; !slices.Contains(got, "on the laptop") || !slices.Contains(got, "on the desktop") {
		t.Fatalf("versions = %q", got)
	}

	settled, err := desktop.notes.Edit(ctx, rec.ID, edit("merged by hand"))
	if err != nil {
		t.Fatal(err)
	}
	if heads := settled.Heads(FieldSealed); len(heads) != 1 || len(settled.Fields[FieldSealed].Conflict) != 0 {
		t.Fatalf("after settling: %d heads, conflict %+v", len(heads), settled.Fields[FieldSealed].Conflict)
	}
}

func TestBadInputWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Lena", person.RoleLead, "")
	tech := newDevice(t, "Tom", person.RoleTechnician, "tech-tom")
	cases := []struct {
		name   string
		dev    *device
		techID string
		n      note
		share  bool
		field  string // the field named, or "" for wantErr
		want   error
	}{
		{"no technician", lead, "", note{Text: "x"}, false, "technicianId", nil},
		{"empty text", lead, "tech-tom", note{Text: "  "}, false, "text", nil},
		{"too large to seal", lead, "tech-tom", note{Text: strings.Repeat("x", sealed.MaxPlaintext-30)}, false, "text", errBig},
		{"shared with a technician who has no key", lead, "tech-nobody", note{Text: "x"}, true, "shared", nil},
		{"written by a technician", tech, "tech-tom", note{Text: "x"}, false, "", errRefused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := c.dev.st.StateHash()
			_, err := c.dev.notes.Create(ctx, c.techID, c.n, c.share)
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Create = %v, want %v", err, c.want)
			}
			if c.field != "" {
				if fe, ok := field.As(err); !ok || fe.Field != c.field {
					t.Fatalf("Create = %v, want a field error on %s", err, c.field)
				}
			}
			if after, _ := c.dev.st.StateHash(); after != before {
				t.Fatal("a refused note was written")
			}
		})
	}
}
