package httpapi

import (
	"net/http/httptest"
	"outpost/backend/person"
	"strings"
	"testing"
	"testing/fstest"
)

// Saved views over the API: saved, listed by name, replaced by name, removed; after a
// person is set up on the device, new views are the person's (which follow them to
// their other devices) and the device's earlier ones are still listed.
func TestSavedViewsOverTheAPI(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
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
	if _, err := a.Identity.SetUp("Ana Lead", person.RoleLead, ""); err != nil {
		t.Fatal(err)
	}
	// The device's view saved before stays listed; saving that name makes it the person's.
	if list, _ := a.Views.List(); len(list) != 1 || list[0].Name != "vpn" || list[0].Owner != deviceID(t, a) {
		t.Fatalf("after set-up: %+v", list)
	}
	post("/api/ViewService/Save", `["Mine", {"scope":"mine"}]`, 200)
	post("/api/ViewService/Save", `["VPN", {"text":"vpn"}]`, 200)
	list, _ = a.Views.List()
	if len(list) != 2 || list[0].Name != "Mine" || list[1].Name != "VPN" || list[1].Owner == deviceID(t, a) {
		t.Fatalf("person's views: %+v", list)
	}
}
