// Package slug derives stable IDs from text: its lower-case letters and digits,
// runs of anything else turned into one dash.
package slug

import (
	"fmt"
	"strings"
)

// MaxLen is the longest ID From returns.
const MaxLen = 40

// From derives an ID from text: lower-case ASCII letters and digits, words joined
// by single dashes, at most MaxLen characters, no dash at either end. Text with no
// letter or digit is "item".
func From(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(text) {
		if b.Len() >= MaxLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "item"
	}
	return s
}

// Unique returns id, or id with the first free suffix "-2", "-3", ... when used
// already holds it, and marks the result used.
func Unique(id string, used map[string]bool) string {
	base := id
	for n := 2; used[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	used[id] = true
	return id
}
