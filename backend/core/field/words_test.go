package field

import (
	"errors"
	"fmt"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"title":                "Title",
		"weekStart":            "Week start",
		"technicianId":         "Technician ID",
		"requester.name":       "Requester, name",
		"timeOff[0].note":      "Time off 1, note",
		"goals.2.target":       "Goals 3, target",
		"policy.P2.resolution": "Policy, P2, resolution",
		"rules.slaRiskAtLeast": "Rules, sla risk at least",
		"":                     "",
	} {
		if got := Words(path); got != want {
			t.Errorf("Words(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestErrorReadsAsASentence(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"verb reads on", Errorf("title", "is required"), "Title is required"},
		{"other problems follow a colon", Errorf("category", "%q is unknown", "x"), `Category: "x" is unknown`},
		{"relabelled", Relabel(Errorf("hours.zone", "is not a known time zone"), "Time zone"), "Time zone is not a known time zone"},
		{"wrapped", fmt.Errorf("save: %w", Relabel(Errorf("timeOff[0].to", "must be after the start"), "Time off 1, until")), "save: Time off 1, until must be after the start"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.err.Error(); got != c.want {
				t.Errorf("Error() = %q, want %q", got, c.want)
			}
		})
	}
	fe, _ := As(Relabel(Errorf("timeOff[0].to", "must be after the start"), "Time off 1, until"))
	if fe.Field != "timeOff[0].to" || fe.Problem != "must be after the start" {
		t.Errorf("Relabel changed the path or problem: %+v", fe)
	}
	if err := Relabel(nil, "x"); err != nil {
		t.Errorf("Relabel(nil) = %v", err)
	}
	plain := errors.New("disk full")
	if err := Relabel(plain, "x"); err != plain || err.Error() != "disk full" {
		t.Errorf("Relabel(plain) = %v", err)
	}
}
