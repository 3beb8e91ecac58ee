package field

import (
	"fmt"
	"strings"
)

// NormalizeTags lower-cases and trims tags and drops empty and repeated ones,
// keeping the order in which they were first given.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Tags checks the tags of field name: at most most of them, each a one-line text
// of at most max characters without a comma or colon (they separate tags in
// filters and files). An invalid tag's error names the tag.
func Tags(name string, tags []string, most, max int) error {
	if len(tags) > most {
		return Errorf(name, "has %d tags; the limit is %d", len(tags), most)
	}
	for _, t := range tags {
		if strings.TrimSpace(t) == "" {
			return Errorf(name, "has an empty tag")
		}
		if err := Text(name, t, max, true, false); err != nil {
			fe, _ := As(err)
			fe.Problem = fmt.Sprintf("has a tag %q that %s", t, fe.Problem)
			return fe
		}
		if strings.ContainsAny(t, ",:") {
			return Errorf(name, "has a tag %q with a comma or colon; tags may not contain them", t)
		}
	}
	return nil
}
