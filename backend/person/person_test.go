package person

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

func newService(t *testing.T) (*Service, *store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenWith(t, store.Options{Dir: dir})
	s, err := NewService(st, Options{Dir: dir, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	return s, st, dir
}

// replicate copies every change b lacks from a to b.
func replicate(t *testing.T, from, to *store.Store) {
	t.Helper()
	have, err := to.Vector()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := from.ChangesAfter(have, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	res, err := to.Apply(cs)
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("apply: %v %+v", err, res.Rejected)
	}
}

func wantField(t *testing.T, err error, name string) {
	t.Helper()
	fe, ok := field.As(err)
	if !ok || fe.Field != name {
		t.Fatalf("error %v, want a field error on %q", err, name)
	}
}

func TestSetUpValidates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		in    Profile
		field string
	}{
		{"no name", Profile{Name: "  ", Role: RoleLead}, "name"},
		{"unknown role", Profile{Name: "Ana", Role: "boss"}, "role"},
		{"bad technician ID", Profile{Name: "Ana", Role: RoleTechnician, TechnicianID: "a/b"}, "technicianId"},
		{"name too long", Profile{Name: strings.Repeat("n", MaxName+1)}, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, st, dir := newService(t)
			before, _ := st.Vector()
			_, err := s.SetUp(context.Background(), tc.in)
			wantField(t, err, tc.field)
			if _, err := os.Stat(filepath.Join(dir, FileName)); !os.IsNotExist(err) {
				t.Fatalf("bad input left a key file: %v", err)
			}
			after, _ := st.Vector()
			if before[st.Device().ID] != after[st.Device().ID] {
				t.Fatal("bad input wrote a change")
			}
			if me, _ := s.Me(); me.Set {
				t.Fatal("bad input set up a person")
			}
		})
	}
}

func TestSetUpCreatesKeyAndRecord(t *testing.T) {
	t.Parallel()
	s, st, dir := newService(t)
	ctx := context.Background()
	p, err := s.SetUp(ctx, Profile{Name: " Ana Lead ", Role: RoleLead})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Ana Lead" || p.Role != RoleLead || !strings.HasPrefix(p.Recipient, "age1") {
		t.Fatalf("person = %+v", p)
	}
	info, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", info.Mode().Perm())
	}
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	_, key, _ := s.Current()
	if !strings.Contains(string(raw), key.String()) {
		t.Fatal("key file does not hold the private key")
	}
	// The private key is in no change: only the public one replicates.
	cs, _ := st.ChangesAfter(store.Vector{}, 1<<30)
	for _, c := range cs {
		b, _ := c.Encode()
		if strings.Contains(string(b), key.String()) || strings.Contains(strings.ToLower(string(b)), "age-secret-key") {
			t.Fatal("a change carries the private key")
		}
	}

	// A second set-up keeps the key and updates the profile.
	p2, err := s.SetUp(ctx, Profile{Name: "Ana", Role: RoleCoordinator, TechnicianID: "techana"})
	if err != nil {
		t.Fatal(err)
	}
	if p2.ID != p.ID || p2.Recipient != p.Recipient || p2.Name != "Ana" || p2.TechnicianID != "techana" {
		t.Fatalf("after update %+v, before %+v", p2, p)
	}
	me, err := s.Me()
	if err != nil || !me.Set || me.Pending || me.Name != "Ana" {
		t.Fatalf("Me = %+v, %v", me, err)
	}

	// A restart reads the binding back.
	s2, err := NewService(st, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if me2, _ := s2.Me(); me2.ID != p.ID || me2.Recipient != p.Recipient {
		t.Fatalf("after restart Me = %+v", me2)
	}
	people, err := s.People()
	if err != nil || len(people) != 1 || people[0].ID != p.ID {
		t.Fatalf("People = %+v, %v", people, err)
	}
	techs, _ := s.ForTechnician("techana")
	if len(techs) != 1 {
		t.Fatalf("ForTechnician = %+v", techs)
	}
}

func TestDamagedKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := storetest.OpenWith(t, store.Options{Dir: dir})
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(`{"person":"x","key":"nope"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewService(st, Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("NewService = %v, want a damaged-file error", err)
	}
}

func TestExportImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead, leadSt, _ := newService(t)
	if _, err := lead.SetUp(ctx, Profile{Name: "Ana", Role: RoleLead}); err != nil {
		t.Fatal(err)
	}
	_, err := lead.Export("short")
	wantField(t, err, "passphrase")
	text, err := lead.Export("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "-----BEGIN AGE ENCRYPTED FILE-----") {
		t.Fatalf("export is not armoured: %.40q", text)
	}
	_, leadKey, _ := lead.Current()
	if strings.Contains(text, leadKey.String()) {
		t.Fatal("export carries the key in the clear")
	}

	second, secondSt, secondDir := newService(t)
	for _, tc := range []struct {
		name, text, pass, field string
	}{
		{"wrong passphrase", text, "wrong horse battery", "passphrase"},
		{"no passphrase", text, "", "passphrase"},
		{"empty", "", "correct horse battery", "identity"},
		{"garbage", "hello", "correct horse battery", "identity"},
		{"cut short", text[:len(text)/2], "correct horse battery", "identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := second.Import(tc.text, tc.pass)
			wantField(t, err, tc.field)
			if _, err := os.Stat(filepath.Join(secondDir, FileName)); !os.IsNotExist(err) {
				t.Fatal("a failed import left a key file")
			}
		})
	}

	me, err := second.Import(text, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !me.Set || !me.Pending || me.Name != "Ana" || me.Role != RoleLead {
		t.Fatalf("after import Me = %+v (want set, pending until the record syncs)", me)
	}
	_, key2, _ := second.Current()
	if key2.String() != leadKey.String() {
		t.Fatal("imported key differs")
	}
	replicate(t, leadSt, secondSt)
	if me, _ := second.Me(); me.Pending || me.Name != "Ana" {
		t.Fatalf("after sync Me = %+v", me)
	}
	// Importing again is harmless; importing someone else is refused.
	if _, err := second.Import(text, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	other, _, _ := newService(t)
	if _, err := other.SetUp(ctx, Profile{Name: "Bo"}); err != nil {
		t.Fatal(err)
	}
	_, err = other.Import(text, "correct horse battery")
	wantField(t, err, "identity")
	if me, _ := other.Me(); me.Name != "Bo" {
		t.Fatalf("a refused import changed the device's person: %+v", me)
	}
}
