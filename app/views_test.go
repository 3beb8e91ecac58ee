package app

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

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

// Saved views over the API: saved, listed by name, replaced by name, removed; after a
// person is set up on the device, new views are the person's (which follow them to
// their other devices) and the device's earlier ones are still listed.
func TestSavedViewsOverTheAPI(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(a.HTTPHandler(fstest.MapFS{}, testToken))
	defer srv.Close()
	post := func(path, body string, want int) string {
		t.Helper()
		status, _, raw := call(t, srv, testToken, path, body)
		if status != want {
			t.Fatalf("%s %s -> %d %s", path, body, status, raw)
		}
		return raw
	}
	post("/api/ViewService/Save", `["VPN", {"text":"vpn","sort":"sla"}]`, 200)
	post("/api/ViewService/Save", `["Access", {"category":"access"}]`, 200)
	post("/api/ViewService/Save", `["vpn", {"text":"vpn","priorities":[1]}]`, 200)
	if raw := post("/api/ViewService/Save", `["", {}]`, 400); !strings.Contains(raw, `"field":"name"`) {
		t.Fatalf("empty name: %s", raw)
	}
	if raw := post("/api/ViewService/Save", `["x", [1]]`, 400); !strings.Contains(raw, `"field":"filter"`) {
		t.Fatalf("array filter: %s", raw)
	}
	list, err := a.Views.List()
	if err != nil || len(list) != 2 || list[0].Name != "Access" || list[1].Name != "vpn" || string(list[1].Filter) != `{"text":"vpn","priorities":[1]}` {
		t.Fatalf("views = %+v %v", list, err)
	}
	post("/api/ViewService/Remove", `["`+list[0].ID+`"]`, 200)
	if raw := post("/api/ViewService/Remove", `["`+list[0].ID+`"]`, 400); !strings.Contains(raw, "no such saved view") {
		t.Fatalf("remove twice: %s", raw)
	}
	if _, err := a.people.SetUp(a.ctx, person.Profile{Name: "Ana Lead", Role: person.RoleLead}); err != nil {
		t.Fatal(err)
	}
	// The device's view saved before stays listed; saving that name makes it the person's.
	if list, _ := a.Views.List(); len(list) != 1 || list[0].Name != "vpn" || list[0].Owner != a.st.Device().ID {
		t.Fatalf("after set-up: %+v", list)
	}
	post("/api/ViewService/Save", `["Mine", {"scope":"mine"}]`, 200)
	post("/api/ViewService/Save", `["VPN", {"text":"vpn"}]`, 200)
	list, _ = a.Views.List()
	if len(list) != 2 || list[0].Name != "Mine" || list[1].Name != "VPN" || list[1].Owner == a.st.Device().ID {
		t.Fatalf("person's views: %+v", list)
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
