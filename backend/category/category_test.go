package category

import (
	"context"
	"reflect"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

func TestNearDuplicates(t *testing.T) {
	t.Parallel()
	got := NearDuplicates([]string{"account", "accounts", "phone", "phones", "printer", "printing", "network", "netwrok", "VPN", "vpn", "email", "hardware"})
	want := []Pair{{"account", "accounts"}, {"network", "netwrok"}, {"phone", "phones"}, {"printer", "printing"}, {"VPN", "vpn"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("near duplicates: %v; want %v", got, want)
	}
}

func TestAddRenameMergeAreChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	s := NewService(st)
	acc, err := s.Add(ctx, "lead", "account")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, "lead", " Account "); !isField(err, "name") {
		t.Fatalf("adding a listed name again: %v", err)
	}
	accs, err := s.Add(ctx, "lead", "accounts")
	if err != nil {
		t.Fatal(err)
	}
	var moved [][2]string
	also := func(_ *store.Tx, from, to string) error { moved = append(moved, [2]string{from, to}); return nil }
	if _, err := s.Rename(ctx, "lead", acc.ID, "Accounts", also); !isField(err, "name") {
		t.Fatalf("rename onto another listed name: %v", err)
	}
	if _, err := s.Rename(ctx, "lead", acc.ID, "Account", also); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Merge(ctx, "lead", accs.ID, acc.ID, also); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Merge(ctx, "lead", acc.ID, accs.ID, also); !isField(err, "into") {
		t.Fatalf("merge into a merged category: %v", err)
	}
	list, _ := s.List(false)
	if !reflect.DeepEqual(list, []Category{{ID: acc.ID, Name: "Account"}}) {
		t.Fatalf("list: %v; want %v", list, []Category{{ID: acc.ID, Name: "Account"}})
	}
	if !reflect.DeepEqual(moved, [][2]string{{"account", "Account"}, {"accounts", "Account"}}) {
		t.Fatalf("tickets moved: %v; want %v", moved, [][2]string{{"account", "Account"}, {"accounts", "Account"}})
	}
	h, err := st.History(Kind, accs.ID)
	if err != nil || len(h) != 2 {
		t.Fatalf("history of the merged category: %d changes, %v", len(h), err)
	}
}

func isField(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}
