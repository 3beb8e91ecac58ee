package queue

import (
	"context"
	"reflect"
	"testing"

	"outpost/backend/ticket"
)

func TestFacetsCountOpenTickets(t *testing.T) {
	t.Parallel()
	st := openStore(t, t.TempDir())
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	x, err := Build(st)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	mk := func(title, cat string, tags ...string) ticket.Ticket {
		tk, err := svc.Create(ctx, "a", ticket.NewTicket{Title: title, Category: cat, Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	mk("VPN drops", "network", "vpn", "remote")
	wifi := mk("Wi-Fi slow", "network", "wifi")
	mk("Printer jam", "hardware")
	done := mk("Old request", "email", "vpn")
	if _, err := svc.Assign(ctx, "a", wifi.ID, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, "a", done.ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	want := Facets{
		Categories: []Count{{"network", 2}, {"hardware", 1}},
		Tags:       []Count{{"remote", 1}, {"vpn", 1}, {"wifi", 1}},
		Assignees:  []Count{{"ana", 1}},
	}
	if got := x.Facets(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Facets() = %+v, want %+v", got, want)
	}
}
