package app

import (
	"strings"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/ticket"
)

func TestRefsNamesExistingTicketsInOrder(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	var made []ticket.Ticket
	for _, title := range []string{"Printer jams", "VPN drops", "Old laptop"} {
		tk, err := a.Tickets.Create(ticket.NewTicket{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, tk)
	}
	if err := a.tickets.Delete(a.ctx, "lead", made[2].ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		ids       []string
		want      []string // numbers
		wantField string
	}{
		{"in the order asked", []string{made[1].ID, made[0].ID}, []string{made[1].Number, made[0].Number}, ""},
		{"unknown, deleted and repeated left out", []string{"nope", made[2].ID, made[0].ID, made[0].ID}, []string{made[0].Number}, ""},
		{"none", nil, nil, ""},
		{"too many", make([]string, maxRefs+1), nil, "ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := a.Tickets.Refs(tt.ids)
			if tt.wantField != "" {
				if fe, ok := field.As(err); !ok || fe.Field != tt.wantField {
					t.Fatalf("err = %v, want a %s field error", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range refs {
				got = append(got, r.Number)
				if r.Title == "" || r.Status == "" {
					t.Errorf("ref %+v lacks title or status", r)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("numbers = %v, want %v", got, tt.want)
			}
		})
	}
}
