package coaching

import (
	"context"
	"errors"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
)

// today is the injected clock's date in every test.
var today = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return today }

// device is one real replica: a Badger store on its own data directory, the person
// bound to it, and the coaching service acting as that person.
type device struct {
	dir    string
	st     *store.Store
	people *person.Service
	coach  *Service
}

func openDevice(t testing.TB, dir string) *device {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	st := storetest.OpenWith(t, store.Options{Dir: dir})
	ppl, err := person.NewService(st, person.Options{Dir: dir, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	d := &device{dir: dir, st: st, people: ppl, coach: NewService(st, ppl, clock)}
	t.Cleanup(func() { d.close() })
	return d
}

func (d *device) close() {
	if d.st != nil {
		d.st.Close()
		d.st = nil
	}
}

// newDevice opens a fresh replica and sets up its person (no person when name is "").
func newDevice(t testing.TB, name string, role person.Role, techID string) *device {
	t.Helper()
	d := openDevice(t, "")
	if name != "" {
		if _, err := d.people.SetUp(context.Background(), person.Profile{Name: name, Role: role, TechnicianID: techID}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func titles(items []Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func wantErr(t *testing.T, err error, target error, fieldName string) {
	t.Helper()
	if fieldName != "" {
		fe, ok := field.As(err)
		if !ok || fe.Field != fieldName {
			t.Fatalf("error %v, want a field error on %q", err, fieldName)
		}
		return
	}
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}
