package sop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
)

// Limits on SOP input.
const (
	MaxTitle   = 200
	MaxBody    = 200 << 10 // bytes of markdown in one revision
	MaxShort   = 200
	MaxNote    = 500
	MaxTags    = 20
	MaxTag     = 40
	MaxParents = 16
)

// NewSOP is what a person fills in to write a new SOP.
type NewSOP struct {
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Category string   `json:"category"`
	Tags     []string `json:"tags"`
	Owner    string   `json:"owner"`
	ReviewBy string   `json:"reviewBy"`
}

// Meta changes an SOP's descriptive fields; nil means unchanged.
type Meta struct {
	Category *string   `json:"category,omitempty"`
	Tags     *[]string `json:"tags,omitempty"`
	Owner    *string   `json:"owner,omitempty"`
	ReviewBy *string   `json:"reviewBy,omitempty"`
}

func (n *NewSOP) normalize() {
	n.Title = strings.TrimSpace(n.Title)
	n.Category = strings.TrimSpace(n.Category)
	n.Owner = strings.TrimSpace(n.Owner)
	n.ReviewBy = strings.TrimSpace(n.ReviewBy)
	n.Tags = field.NormalizeTags(n.Tags)
}

func (n *NewSOP) validate() error {
	return field.First(
		validTitle(n.Title),
		validBody(n.Body),
		field.Text("category", n.Category, MaxShort, false, false),
		field.Text("owner", n.Owner, MaxShort, false, false),
		validDate(n.ReviewBy),
		field.Tags("tags", n.Tags, MaxTags, MaxTag),
	)
}

func validTitle(t string) error { return field.Text("title", t, MaxTitle, true, false) }

// validBody checks the markdown of one revision: text, and at most MaxBody bytes.
func validBody(b string) error {
	if len(b) > MaxBody {
		return field.Errorf("body", "is %d KiB; the limit is %d KiB (split the procedure into several SOPs)", (len(b)+1023)>>10, MaxBody>>10)
	}
	return field.Text("body", b, MaxBody, false, true)
}

func validNote(n string) error { return field.Text("note", n, MaxNote, false, false) }

func validDate(d string) error {
	if d == "" {
		return nil
	}
	if _, err := time.Parse(DateLayout, d); err != nil {
		return field.Errorf("reviewBy", "must be a date written YYYY-MM-DD, not %q", d)
	}
	return nil
}

// revisionOp encodes a revision as an append-only item. HTML is not escaped, so
// markdown holding '<' and '&' does not grow six-fold; a body that still does not
// fit in one change is reported on the body field.
func revisionOp(v revisionValue) (change.Op, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return change.Op{}, fmt.Errorf("encode revision: %w", err)
	}
	raw := bytes.TrimRight(buf.Bytes(), "\n")
	if len(raw) > change.MaxValueBytes {
		return change.Op{}, field.Errorf("body", "is too large to save once encoded (%d KiB; the limit is %d KiB)", (len(raw)+1023)>>10, change.MaxValueBytes>>10)
	}
	return change.Op{Op: change.OpAppend, Field: fRevisions, Value: raw}, nil
}
