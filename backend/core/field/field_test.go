package field

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalizeTags(t *testing.T) {
	t.Parallel()
	got := NormalizeTags([]string{" VPN ", "vpn", "", "  ", "Remote", "remote", "printer"})
	if want := []string{"vpn", "remote", "printer"}; !slices.Equal(got, want) {
		t.Fatalf("NormalizeTags = %q, want %q", got, want)
	}
	if got := NormalizeTags(nil); got != nil {
		t.Fatalf("NormalizeTags(nil) = %q, want nil", got)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		tags    []string
		problem string // "" for valid
	}{
		{"valid", []string{"vpn", "remote-vpn"}, ""},
		{"none", nil, ""},
		{"too many", []string{"a", "b", "c", "d"}, "has 4 tags; the limit is 3"},
		{"too long", []string{"abcdefghijk"}, `has a tag "abcdefghijk" that is 11 characters long; the limit is 10`},
		{"empty", []string{"vpn", " "}, "has an empty tag"},
		{"comma", []string{"a,b"}, `has a tag "a,b" with a comma or colon; tags may not contain them`},
		{"colon", []string{"prio:1"}, `has a tag "prio:1" with a comma or colon; tags may not contain them`},
		{"control character", []string{"a\tb"}, `has a tag "a\tb" that contains a control character`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Tags("labels", c.tags, 3, 10)
			if c.problem == "" {
				if err != nil {
					t.Fatalf("Tags = %v, want nil", err)
				}
				return
			}
			fe, ok := As(err)
			if !ok || fe.Field != "labels" || fe.Problem != c.problem {
				t.Fatalf("Tags = %v, want a field error on labels: %s", err, c.problem)
			}
		})
	}
	err := Tags("labels", []string{"ok", "a\x00b"}, 3, 10)
	if !strings.Contains(err.Error(), `tag "a\x00b"`) {
		t.Fatalf("an invalid tag's error %q does not name the tag", err)
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"2026-03-10", "2024-02-29"} {
		if err := Date("due", v); err != nil {
			t.Errorf("Date(%q) = %v", v, err)
		}
	}
	for _, v := range []string{"", "2026-3-10", "10.03.2026", "2025-02-29", "2026-03-10T09:00"} {
		fe, ok := As(Date("due", v))
		if !ok || fe.Field != "due" || fe.Problem != "must be a date written YYYY-MM-DD" {
			t.Errorf("Date(%q) = %v, want a field error on due", v, fe)
		}
	}
}
