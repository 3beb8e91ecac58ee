package field

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// verb starts a problem that reads on from the label: "Title" + "is required".
var verb = regexp.MustCompile(`^(is|are|must|needs|has|holds|names|contains|may|should|cannot|can|does)\b`)

// Sentence joins a label and a problem into one message: "Title is required",
// or "Category: rule for "vpn" is unknown" when the problem does not read on.
func Sentence(label, problem string) string {
	switch {
	case label == "":
		return capital(problem)
	case verb.MatchString(problem):
		return label + " " + problem
	default:
		return label + ": " + problem
	}
}

// Words turns an input path into words for a person, the label of an input the
// form does not name otherwise: "title" is "Title", "weekStart" "Week start",
// "timeOff[0].note" and "timeOff.0.note" "Time off 1, note" (lists count from 1,
// as people do).
func Words(path string) string {
	var parts []string
	for _, seg := range strings.Split(path, ".") {
		if n, err := strconv.Atoi(seg); err == nil && len(parts) > 0 {
			parts[len(parts)-1] += " " + strconv.Itoa(n+1)
			continue
		}
		name, index, _ := strings.Cut(seg, "[")
		w := splitCamel(name)
		if n, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil {
			w += " " + strconv.Itoa(n+1)
		}
		if w != "" {
			parts = append(parts, w)
		}
	}
	return capital(strings.Join(parts, ", "))
}

// splitCamel writes "slaRiskAtLeast" as "sla risk at least" and "technicianId" as
// "technician ID"; a word in capitals ("P2") stays as it is.
func splitCamel(s string) string {
	var words []string
	start := 0
	rs := []rune(s)
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) || unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i-1]) {
			words = append(words, word(string(rs[start:i])))
			start = i
		}
	}
	return strings.Join(words, " ")
}

func word(w string) string {
	switch {
	case w == "" || w == strings.ToUpper(w):
		return w
	case strings.EqualFold(w, "id"):
		return "ID"
	}
	return strings.ToLower(w)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
