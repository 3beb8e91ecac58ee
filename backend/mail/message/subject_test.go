package message

import "testing"

func TestSubjectTag(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"[OP-1234] Printer":               "OP-1234",
		"RE: [A1B2-17] Printer":           "A1B2-17",
		"Re: Printer [OP-9] and [OP-10]":  "OP-9",
		"Printer":                         "",
		"[op-12] lower case":              "",
		"[OP-] no number":                 "",
		"[ABCDEFGHI-1] prefix too long":   "",
		"[OP-1234567890] number too long": "",
		"OP-1234 without brackets":        "",
	}
	for in, want := range cases {
		if got := SubjectTag(in); got != want {
			t.Errorf("SubjectTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTagSubject(t *testing.T) {
	t.Parallel()
	cases := []struct{ subject, tag, want string }{
		{"Printer", "OP-1", "[OP-1] Printer"},
		{"Re: [OP-1] Printer", "OP-1", "Re: [OP-1] Printer"},
		{"[OP-2] Printer", "OP-1", "[OP-1] [OP-2] Printer"},
		{"  Printer ", "OP-1", "[OP-1] Printer"},
		{"", "OP-1", "[OP-1]"},
		{"Printer", "", "Printer"},
	}
	for _, c := range cases {
		if got := TagSubject(c.subject, c.tag); got != c.want {
			t.Errorf("TagSubject(%q, %q) = %q, want %q", c.subject, c.tag, got, c.want)
		}
	}
}

func TestNormalizeSubject(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Re: Printer":                  "Printer",
		"RE: AW: Fwd: WG: SV: Printer": "Printer",
		"RE[2]: Printer":               "Printer",
		"Re(3): Printer":               "Printer",
		"FW:Printer":                   "Printer",
		"Antw: VS: TR: Printer":        "Printer",
		"回复：打印机":                       "打印机",
		"Re: [OP-1] Re: Printer":       "[OP-1] Printer",
		"[OP-1] AW: Printer":           "[OP-1] Printer",
		"Printer  \t out":              "Printer out",
		"Regarding the printer":        "Regarding the printer",
		"Are: we there":                "Are: we there",
		"Printer: Re: paper":           "Printer: Re: paper",
		"Re:":                          "",
	}
	for in, want := range cases {
		if got := NormalizeSubject(in); got != want {
			t.Errorf("NormalizeSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRating(t *testing.T) {
	t.Parallel()
	cases := map[string]int{
		"4":               4,
		"\n\n  5  \n":     5,
		"4/5":             4,
		"3 / 5":           3,
		"4 - good":        4,
		"2, slow":         2,
		"1.":              1,
		"Rating: 4":       4,
		"rating 5":        5,
		"5 stars\nthanks": 5,
		"0":               0,
		"6":               0,
		"10":              0,
		"45":              0,
		"4.5":             0,
		"4/10":            0,
		"thanks\n5":       0,
		"":                0,
		"Good job":        0,
		"Rating:":         0,
	}
	for in, want := range cases {
		if got := Rating(in); got != want {
			t.Errorf("Rating(%q) = %d, want %d", in, got, want)
		}
	}
}
