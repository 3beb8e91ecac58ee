package view

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store/storetest"
)

func TestSaveListReplaceRemove(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st)
	ctx := context.Background()
	vpn, err := s.Save(ctx, "Ana", "ana", " VPN this week ", json.RawMessage(`{ "text": "vpn", "sort": "sla" }`))
	if err != nil {
		t.Fatal(err)
	}
	if vpn.Name != "VPN this week" || string(vpn.Filter) != `{"text":"vpn","sort":"sla"}` || vpn.Owner != "ana" {
		t.Fatalf("saved %+v (%s)", vpn, vpn.Filter)
	}
	if _, err := s.Save(ctx, "Ana", "ana", "Access", json.RawMessage(`{"category":"access"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, "Ben", "ben", "Mine", json.RawMessage(`{"scope":"mine"}`)); err != nil {
		t.Fatal(err)
	}
	// The same name (any case) replaces the view: one record, the newer filter.
	again, err := s.Save(ctx, "Ana", "ana", "vpn THIS week", json.RawMessage(`{"text":"vpn","priorities":[1,2]}`))
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != vpn.ID || again.Name != "vpn THIS week" {
		t.Fatalf("replace gave %+v, was %+v", again, vpn)
	}
	list, err := s.List("ana")
	if err != nil {
		t.Fatal(err)
	}
	if names(list) != "Access,vpn THIS week" || string(list[1].Filter) != `{"text":"vpn","priorities":[1,2]}` {
		t.Fatalf("ana's views: %s %s", names(list), list[1].Filter)
	}
	// Another person's view cannot be removed by ana, and is not listed for her.
	ben, _ := s.List("ben")
	if err := s.Remove(ctx, "Ana", "ana", ben[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing ben's view as ana: %v", err)
	}
	if err := s.Remove(ctx, "Ana", "ana", vpn.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ = s.List("ana"); names(list) != "Access" {
		t.Fatalf("after remove: %s", names(list))
	}
	if err := s.Remove(ctx, "Ana", "ana", vpn.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing twice: %v", err)
	}
	// Saving a removed name brings it back.
	if back, err := s.Save(ctx, "Ana", "ana", "VPN this week", json.RawMessage(`{}`)); err != nil || back.ID != vpn.ID {
		t.Fatalf("save again: %+v %v", back, err)
	}
}

func TestSaveRejectsBadInput(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st)
	ctx := context.Background()
	tests := []struct {
		name, view, filter, field string
	}{
		{"no name", "  ", `{}`, "name"},
		{"long name", strings.Repeat("x", MaxName+1), `{}`, "name"},
		{"not an object", "a", `[1,2]`, "filter"},
		{"not JSON", "a", `{"text":`, "filter"},
		{"too large", "a", `{"text":"` + strings.Repeat("x", MaxFilter) + `"}`, "filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Save(ctx, "Ana", "ana", tt.view, json.RawMessage(tt.filter))
			if fe, ok := field.As(err); !ok || fe.Field != tt.field {
				t.Fatalf("Save = %v, want a field error on %s", err, tt.field)
			}
		})
	}
	if list, _ := s.List("ana"); len(list) != 0 {
		t.Fatalf("bad input saved %d views", len(list))
	}
}

func TestAPersonKeepsAtMostMaxViews(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	s := NewService(st)
	ctx := context.Background()
	for i := range MaxViews {
		if _, err := s.Save(ctx, "Ana", "ana", fmt.Sprint("view ", i), json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Save(ctx, "Ana", "ana", "one too many", json.RawMessage(`{}`)); err == nil {
		t.Fatal("saved a view over the limit")
	}
	if _, err := s.Save(ctx, "Ana", "ana", "view 3", json.RawMessage(`{"text":"x"}`)); err != nil {
		t.Fatalf("replacing a view at the limit: %v", err)
	}
	if _, err := s.Save(ctx, "Ben", "ben", "his first", json.RawMessage(`{}`)); err != nil {
		t.Fatalf("another person's limit is their own: %v", err)
	}
}

// A view saved on one device reaches the person's other device through the change log.
func TestViewsTravelWithTheChangeLog(t *testing.T) {
	t.Parallel()
	laptop, desktop := storetest.Open(t), storetest.Open(t)
	if _, err := NewService(laptop).Save(context.Background(), "Ana", "ana", "Field visits", json.RawMessage(`{"tag":"onsite"}`)); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, laptop, desktop)
	list, err := NewService(desktop).List("ana")
	if err != nil || names(list) != "Field visits" || string(list[0].Filter) != `{"tag":"onsite"}` {
		t.Fatalf("on the other device: %+v %v", list, err)
	}
}

func names(vs []View) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return strings.Join(out, ",")
}
