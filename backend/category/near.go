package category

import (
	"slices"
	"strings"
)

// Pair is two category names that look like one category spelled two ways.
type Pair struct {
	A string `json:"a"`
	B string `json:"b"`
}

// stems are a name's forms for comparison: lower case, and with a plural or verb ending
// taken off ("phones" -> "phone", "phon"; "printing" -> "print"), keeping at least 4 letters.
func stems(name string) []string {
	s := strings.ToLower(strings.TrimSpace(name))
	out := []string{s}
	for _, suf := range []string{"ing", "ers", "er", "es", "s"} {
		if strings.HasSuffix(s, suf) && len(s)-len(suf) >= 4 {
			out = append(out, strings.TrimSuffix(s, suf))
		}
	}
	return out
}

func alike(a, b string) bool {
	sa, sb := stems(a), stems(b)
	for _, x := range sa {
		if slices.Contains(sb, x) {
			return true
		}
	}
	return len(sa[0]) >= 5 && len(sb[0]) >= 5 && oneEdit(sa[0], sb[0])
}

// NearDuplicates pairs the names that differ only by case, an ending ("phone", "phones";
// "printer", "printing") or one typo in a name of five letters or more, each pair once,
// sorted. It is what the category list offers to merge.
func NearDuplicates(names []string) []Pair {
	out := []Pair{}
	for i, a := range names {
		for _, b := range names[i+1:] {
			if a == b || !alike(a, b) {
				continue
			}
			p := Pair{a, b}
			if strings.ToLower(b) < strings.ToLower(a) {
				p = Pair{b, a}
			}
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(x, y Pair) int {
		return strings.Compare(strings.ToLower(x.A+"\x00"+x.B), strings.ToLower(y.A+"\x00"+y.B))
	})
	return out
}

// oneEdit reports whether a and b differ by one inserted, removed or changed letter, or two
// neighbouring letters swapped.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		swapped := i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		return i == len(a) || a[i+1:] == b[i+1:] || swapped
	}
	return a[i:] == b[i+1:]
}
