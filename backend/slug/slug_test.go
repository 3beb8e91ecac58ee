package slug

import (
	"slices"
	"strings"
	"testing"
)

func TestFrom(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, text, want string }{
		{"words", "Check the VPN client version", "check-the-vpn-client-version"},
		{"punctuation runs", "  Reboot -- router (twice)!  ", "reboot-router-twice"},
		{"digits", "Tier 2 on-call", "tier-2-on-call"},
		{"non-ASCII letters are separators", "Café über alles", "caf-ber-alles"},
		{"nothing usable", "¡¿ — ?!", "item"},
		{"empty", "", "item"},
		{"cut at the limit", strings.Repeat("abcde ", 10), "abcde-abcde-abcde-abcde-abcde-abcde-abcd"},
		{"no dash left at the cut", strings.Repeat("a", 39) + " b", strings.Repeat("a", 39)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := From(c.text)
			if got != c.want {
				t.Fatalf("From(%q) = %q, want %q", c.text, got, c.want)
			}
			if len(got) > MaxLen {
				t.Fatalf("From(%q) is %d characters long", c.text, len(got))
			}
		})
	}
}

func TestUnique(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	var got []string
	for _, id := range []string{"reboot", "reboot", "check", "reboot", "reboot-2"} {
		got = append(got, Unique(id, used))
	}
	want := []string{"reboot", "reboot-2", "check", "reboot-3", "reboot-2-2"}
	if !slices.Equal(got, want) {
		t.Fatalf("Unique gave %q, want %q", got, want)
	}
	for _, id := range want {
		if !used[id] {
			t.Fatalf("%q is not marked used", id)
		}
	}
}
