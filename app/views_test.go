package app

import (
	"reflect"
	"testing"

	"outpost/backend/person"
)

// The window binds every service of Bound, and Wails names each by its type: the
// names must be the ones the HTTP API (and so the UI) uses.
func TestBoundNamesAreTypeNames(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	for name, svc := range a.Bound() {
		v := reflect.ValueOf(svc)
		if v.IsNil() {
			t.Fatalf("%s is not set up", name)
		}
		if got := v.Elem().Type().Name(); got != name {
			t.Fatalf("service %s is a %s: the window would call it %s", name, got, got)
		}
	}
}

// The device's early view can be removed once a person is set up.
func TestEarlyViewsCanBeRemoved(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	early, err := a.Views.Save("Early", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.people.SetUp(a.ctx, person.Profile{Name: "Ben", Role: person.RoleTechnician}); err != nil {
		t.Fatal(err)
	}
	if err := a.Views.Remove(early.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := a.Views.List(); len(list) != 0 {
		t.Fatalf("views = %+v", list)
	}
}
