package sop

import (
	"fmt"
	"strings"
	"testing"
)

// render writes hunks in unified-diff form, so expectations read like `diff -u`.
func render(hs []Hunk) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
		for _, l := range h.Lines {
			mark := map[string]string{LineEqual: " ", LineInsert: "+", LineDelete: "-"}[l.Op]
			b.WriteString(mark + l.Text + "\n")
		}
	}
	return b.String()
}

func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

func TestHunks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, a, b, want string
	}{
		{"identical", "a\nb\n", "a\nb\n", ""},
		{"missing final newline is not a change", "a\nb", "a\nb\n", ""},
		{"from empty", "", "one\ntwo\n", "@@ -0,0 +1,2 @@\n+one\n+two\n"},
		{"to empty", "one\n", "", "@@ -1,1 +0,0 @@\n-one\n"},
		{"one line changed in the middle",
			numbered(1, 10), strings.Replace(numbered(1, 10), "line 5\n", "line five\n", 1),
			"@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n"},
		{"insert at the end",
			numbered(1, 5), numbered(1, 6),
			"@@ -3,3 +3,4 @@\n line 3\n line 4\n line 5\n+line 6\n"},
		{"pure insert in the middle has its start after the line before",
			"a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nNEW\ne\nf\ng\nh\n",
			"@@ -2,6 +2,7 @@\n b\n c\n d\n+NEW\n e\n f\n g\n"},
		{"changes far apart make two hunks",
			numbered(1, 20), strings.Replace(strings.Replace(numbered(1, 20), "line 2\n", "X\n", 1), "line 18\n", "Y\n", 1),
			"@@ -1,5 +1,5 @@\n line 1\n-line 2\n+X\n line 3\n line 4\n line 5\n" +
				"@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-line 18\n+Y\n line 19\n line 20\n"},
		{"changes six lines apart share a hunk",
			numbered(1, 12), strings.Replace(strings.Replace(numbered(1, 12), "line 3\n", "X\n", 1), "line 10\n", "Y\n", 1),
			"@@ -1,12 +1,12 @@\n line 1\n line 2\n-line 3\n+X\n line 4\n line 5\n line 6\n line 7\n line 8\n line 9\n-line 10\n+Y\n line 11\n line 12\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := render(Hunks(DiffLines(tt.a, tt.b), DiffContext))
			if got != tt.want {
				t.Fatalf("diff:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestCompareCounts(t *testing.T) {
	t.Parallel()
	d := Compare(Revision{ID: "a", Title: "Old", Body: "keep\ndrop\n"}, Revision{ID: "b", Title: "New", Body: "keep\nadd 1\nadd 2\n"})
	if d.Added != 2 || d.Removed != 1 || d.OldTitle != "Old" || d.NewTitle != "New" || len(d.Hunks) != 1 || d.From.Body != "" {
		t.Fatalf("diff = %+v", d)
	}
}

func TestSnippets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []Snippet
	}{
		{"none", "# Title\n\nJust text.\n", []Snippet{}},
		{"ordinary code block is not a snippet", "```sh\nipconfig /flushdns\n```\n", []Snippet{}},
		{"named", "Intro\n\n```snippet Password reset reply\nHello,\n\nyour password was reset.\n```\n",
			[]Snippet{{"Password reset reply", "Hello,\n\nyour password was reset."}}},
		{"colon, tildes, case", "~~~~ Snippet: VPN reply\nTry again\n```\nstill inside\n~~~~\n",
			[]Snippet{{"VPN reply", "Try again\n```\nstill inside"}}},
		{"unnamed and unclosed", "```snippet\nfirst\n```\n```snippet\nruns to the end",
			[]Snippet{{"Snippet 1", "first"}, {"Snippet 2", "runs to the end"}}},
		{"snippetx is not a snippet", "```snippetx\nno\n```\n", []Snippet{}},
		{"indented four spaces is code, not a fence", "    ```snippet A\n    x\n    ```\n", []Snippet{}},
		{"CRLF", "```snippet A\r\nline\r\n```\r\n", []Snippet{{"A", "line"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Snippets(tt.body)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(got) != len(tt.want) {
				t.Fatalf("Snippets = %q, want %q", got, tt.want)
			}
		})
	}
}
