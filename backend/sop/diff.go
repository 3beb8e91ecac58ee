package sop

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Line operations in a diff.
const (
	LineEqual  = "equal"
	LineInsert = "insert"
	LineDelete = "delete"
)

// DiffContext is how many unchanged lines a hunk shows around a change.
const DiffContext = 3

// Diff is a line-by-line comparison of two revisions, in hunks a UI can render.
type Diff struct {
	From     Revision `json:"from"`
	To       Revision `json:"to"`
	OldTitle string   `json:"oldTitle"`
	NewTitle string   `json:"newTitle"`
	Added    int      `json:"added"`
	Removed  int      `json:"removed"`
	Hunks    []Hunk   `json:"hunks"`
}

// Hunk is a run of changed lines with a little unchanged context. Start lines
// count from 1; a side with no lines starts at the line before the hunk.
type Hunk struct {
	OldStart int    `json:"oldStart"`
	OldLines int    `json:"oldLines"`
	NewStart int    `json:"newStart"`
	NewLines int    `json:"newLines"`
	Lines    []Line `json:"lines"`
}

// Line is one line of a hunk. Old and New are its line numbers (0 on the side it is absent from).
type Line struct {
	Op   string `json:"op"`
	Text string `json:"text"`
	Old  int    `json:"old"`
	New  int    `json:"new"`
}

// Compare diffs two revisions.
func Compare(from, to Revision) Diff {
	d := Diff{From: from, To: to, OldTitle: from.Title, NewTitle: to.Title}
	d.From.Body, d.To.Body = "", ""
	lines := DiffLines(from.Body, to.Body)
	for _, l := range lines {
		switch l.Op {
		case LineInsert:
			d.Added++
		case LineDelete:
			d.Removed++
		}
	}
	d.Hunks = Hunks(lines, DiffContext)
	return d
}

// DiffLines compares two texts line by line (go-diff's line mode) and returns
// every line of both, marked equal, deleted or inserted, with line numbers.
func DiffLines(a, b string) []Line {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact: SOP bodies are bounded in size
	ra, rb, table := dmp.DiffLinesToRunes(terminate(a), terminate(b))
	diffs := dmp.DiffCharsToLines(dmp.DiffMainRunes(ra, rb, false), table)
	var out []Line
	oldNo, newNo := 0, 0
	for _, d := range diffs {
		for _, text := range splitLines(d.Text) {
			l := Line{Text: text}
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				oldNo++
				newNo++
				l.Op, l.Old, l.New = LineEqual, oldNo, newNo
			case diffmatchpatch.DiffDelete:
				oldNo++
				l.Op, l.Old = LineDelete, oldNo
			case diffmatchpatch.DiffInsert:
				newNo++
				l.Op, l.New = LineInsert, newNo
			}
			out = append(out, l)
		}
	}
	return out
}

// terminate ends non-empty text with a newline, so a last line without one
// does not differ from the same line with one.
func terminate(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return []string{""}
	}
	return strings.Split(s, "\n")
}

// Hunks groups changed lines with up to context unchanged lines around them;
// changes closer than twice the context share a hunk.
func Hunks(lines []Line, context int) []Hunk {
	hunks := []Hunk{}
	i := 0
	for i < len(lines) {
		if lines[i].Op == LineEqual {
			i++
			continue
		}
		start := max(0, i-context)
		end := i // one past the last changed line seen
		for j := i; j < len(lines); j++ {
			if lines[j].Op != LineEqual {
				end = j + 1
				continue
			}
			if j-end >= 2*context {
				break
			}
		}
		stop := min(len(lines), end+context)
		hunks = append(hunks, newHunk(lines[start:stop], lines, start))
		i = stop
	}
	return hunks
}

func newHunk(ls []Line, all []Line, start int) Hunk {
	h := Hunk{Lines: ls}
	for _, l := range ls {
		if l.Old > 0 {
			if h.OldStart == 0 {
				h.OldStart = l.Old
			}
			h.OldLines++
		}
		if l.New > 0 {
			if h.NewStart == 0 {
				h.NewStart = l.New
			}
			h.NewLines++
		}
	}
	// A side with no lines in the hunk starts after the last line before it.
	if h.OldLines == 0 || h.NewLines == 0 {
		lastOld, lastNew := 0, 0
		for _, l := range all[:start] {
			lastOld, lastNew = max(lastOld, l.Old), max(lastNew, l.New)
		}
		if h.OldLines == 0 {
			h.OldStart = lastOld
		}
		if h.NewLines == 0 {
			h.NewStart = lastNew
		}
	}
	return h
}
