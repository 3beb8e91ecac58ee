package coaching

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
	"outpost/backend/ticket"
)

// Distinctive plaintext: letters, digits and dashes only, so no encoding (JSON
// escaping, base64 of a larger value) could hide a copy from a byte search.
const (
	privateTitle = "Quokka-Vermilion-4417"
	privateBody  = "Marmalade-Zeppelin-9023"
	sharedTitle  = "Pangolin-Ultramarine-5581"
	sharedBody   = "Harpsichord-Tangerine-3306"
	goalV1       = "Aubergine-Cobalt-1177"
	goalV2       = "Aubergine-Cobalt-2288"
	actionTitle  = "Narwhal-Saffron-7719"
	controlTitle = "Kumquat-Bravado-6642" // a ticket title: plaintext every replica holds
)

var secrets = []string{privateTitle, privateBody, sharedTitle, sharedBody, goalV1, goalV2, actionTitle}

// TestCoachingPlaintextNeverReachesOtherDisks is the privacy guarantee: a lead's notes
// replicate to every member, and no byte of their plaintext exists anywhere in the
// data directory of a member they are not sealed to (nor, at rest, on any disk).
func TestCoachingPlaintextNeverReachesOtherDisks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	tech := newDevice(t, "Bo", person.RoleTechnician, "techbo")
	other := newDevice(t, "Cy", person.RoleTechnician, "techcy")
	storetest.Sync(t, lead.st, tech.st, other.st)

	private, err := lead.coach.AddNote(ctx, "techbo", Content{Title: privateTitle, Body: privateBody + " keeps escalating before collecting logs"}, false)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := lead.coach.AddNote(ctx, "techbo", Content{Title: sharedTitle, Body: sharedBody, Tickets: []string{"ABCD-1"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	goal, err := lead.coach.AddGoal(ctx, "techbo", Content{Title: "Documentation", Body: goalV1}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lead.coach.Update(ctx, goal.ID, Content{Title: "Documentation", Body: goalV2}); err != nil {
		t.Fatal(err)
	}
	if _, err := lead.coach.Share(ctx, goal.ID, false); err != nil {
		t.Fatal(err)
	}
	action, err := lead.coach.AddAction(ctx, "techcy", Content{Title: actionTitle, Due: "2026-04-01"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lead.coach.SetActionDone(ctx, action.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := ticket.NewService(lead.st, nil).Create(ctx, "Ana", ticket.NewTicket{
		Title: controlTitle, Category: "network", Impact: "low", Urgency: "low",
	}); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, tech.st, other.st)

	// The lead's second device imports the identity and syncs only with Cy, who cannot
	// read a word of it: Cy stores and forwards the sealed bytes.
	text, err := lead.people.Export("lead's long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	desktop := newDevice(t, "", "", "")
	if _, err := desktop.people.Import(text, "lead's long passphrase"); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, other.st, desktop.st)

	t.Run("lead's second device reads everything", func(t *testing.T) {
		v, err := desktop.coach.Notes("techbo")
		if err != nil || v.Unreadable != 0 {
			t.Fatal(err, v.Unreadable)
		}
		got := titles(append(append(v.Notes, v.Goals...), v.Actions...))
		slices.Sort(got)
		if !slices.Equal(got, []string{"Documentation", sharedTitle, privateTitle}) {
			t.Fatalf("second device sees %q", got)
		}
		if v.Goals[0].Body != goalV2 {
			t.Fatalf("goal body %q, want the latest version", v.Goals[0].Body)
		}
		cy, _ := desktop.coach.Notes("techcy")
		if len(cy.Actions) != 1 || !cy.Actions[0].Done {
			t.Fatalf("second device's view of Cy = %+v", cy)
		}
		// and may edit, as the same person
		if _, err := desktop.coach.Update(ctx, private.ID, Content{Title: privateTitle, Body: privateBody}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("technician sees shared items only", func(t *testing.T) {
		v, err := tech.coach.SharedWithMe()
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(append(append(v.Notes, v.Goals...), v.Actions...)); !slices.Equal(got, []string{sharedTitle}) {
			t.Fatalf("technician sees %q, want only the shared note", got)
		}
		if v.Notes[0].Body != sharedBody || v.Notes[0].ID != shared.ID {
			t.Fatalf("shared note = %+v", v.Notes[0])
		}
		subs, _ := tech.coach.Subjects()
		if len(subs) != 1 || subs[0].Items != 1 {
			t.Fatalf("technician's subjects = %+v", subs)
		}
	})
	t.Run("another member sees nothing through the API", func(t *testing.T) {
		for _, techID := range []string{"techbo", "techcy"} {
			v, err := other.coach.Notes(techID)
			if err != nil || v.Unreadable != 0 || len(v.Notes)+len(v.Goals)+len(v.Actions) != 0 {
				t.Fatalf("Cy's view of %s = %+v, %v", techID, v, err)
			}
		}
		if subs, _ := other.coach.Subjects(); len(subs) != 0 {
			t.Fatalf("Cy's subjects = %+v", subs)
		}
		if _, err := other.coach.Get(private.ID); err == nil {
			t.Fatal("Cy opened the private note")
		}
		held := 0
		_ = other.st.Scan(Kind, func(change.Record) error { held++; return nil })
		if held != 4 {
			t.Fatalf("Cy's replica holds %d coaching records, want all 4 (sealed)", held)
		}
	})

	devs := map[string]*device{"lead": lead, "lead-desktop": desktop, "technician": tech, "other": other}
	for _, d := range devs {
		d.close() // flush memtables, value log and SSTs to disk
	}

	for name, d := range devs {
		t.Run("raw bytes on "+name+"'s disk", func(t *testing.T) {
			files, size, found := scanDir(t, d.dir, append([]string{controlTitle}, secrets...))
			t.Logf("%s: %d files, %d bytes scanned", name, files, size)
			if name == "other" && len(found[controlTitle]) == 0 {
				// The control proves the byte search sees what this replica stores in the
				// clear; if Badger's block compression hid it, the search would prove nothing.
				t.Fatalf("the control ticket title is in no file of %s: the raw scan cannot be trusted", d.dir)
			}
			for _, s := range secrets {
				if len(found[s]) > 0 {
					t.Errorf("coaching plaintext %q found on %s's disk in %v", s, name, found[s])
				}
			}
		})
	}

	t.Run("records and change log of the other member through the store API", func(t *testing.T) {
		st := openDevice(t, other.dir).st
		var blobs [][]byte
		cs, err := st.ChangesAfter(store.Vector{}, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			b, _ := c.Encode()
			blobs = append(blobs, b)
		}
		for _, kind := range []string{Kind, person.Kind, ticket.Kind, store.KindDevice} {
			_ = st.Scan(kind, func(r change.Record) error {
				b, _ := r.Encode()
				blobs = append(blobs, b)
				return nil
			})
		}
		control := false
		for _, b := range blobs {
			control = control || bytes.Contains(b, []byte(controlTitle))
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("coaching plaintext %q readable through the other member's store", s)
				}
			}
		}
		if !control || len(cs) < 10 {
			t.Fatalf("scanned %d changes; control found: %v", len(cs), control)
		}
	})
}

// scanDir reads every regular file under dir and reports, for each needle, the files holding it.
func scanDir(t *testing.T, dir string, needles []string) (files int, size int64, found map[string][]string) {
	t.Helper()
	found = map[string][]string{}
	sawBadger := false
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		size += int64(len(b))
		rel, _ := filepath.Rel(dir, path)
		if strings.HasSuffix(rel, ".sst") || strings.HasSuffix(rel, ".vlog") {
			sawBadger = true
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				found[n] = append(found[n], rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawBadger {
		t.Fatalf("no Badger table or value log under %s: scanning the wrong place", dir)
	}
	return files, size, found
}
