package message

import (
	"regexp"
	"strings"
)

var (
	subjectTag = regexp.MustCompile(`\[([A-Z0-9]{1,8}-[0-9]{1,9})\]`)
	// A reply or forward prefix: "Re:", "RE[2]:", "Re(3):", "AW:", "WG:", "Fwd:", "FW:", "SV:",
	// "VS:", "Antw:", "TR:", "RIF:", "Odp:", with an ASCII or full-width colon.
	replyPrefix = regexp.MustCompile(`(?i)^\s*(re|aw|wg|fwd?|sv|vs|antw|tr|rif|odp|ynt|回复|答复|转发)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*`)
	leadingTag  = regexp.MustCompile(`^\s*\[[A-Z0-9]{1,8}-[0-9]{1,9}\]\s*`)
)

// SubjectTag returns the first ticket tag in subject, the text inside brackets like "[OP-1234]",
// or "" when there is none.
func SubjectTag(subject string) string {
	m := subjectTag.FindStringSubmatch(subject)
	if m == nil {
		return ""
	}
	return m[1]
}

// TagSubject puts "[tag] " in front of subject unless the subject already carries that tag.
func TagSubject(subject, tag string) string {
	subject = strings.TrimSpace(subject)
	if tag == "" || strings.Contains(subject, "["+tag+"]") {
		return subject
	}
	if subject == "" {
		return "[" + tag + "]"
	}
	return "[" + tag + "] " + subject
}

// NormalizeSubject strips reply and forward prefixes ("Re:", "AW:", "Fwd:", "RE[2]:" ...) from the
// front of subject, also those that follow a leading ticket tag ("Re: [OP-1] Re: x" is "[OP-1] x"),
// and collapses white space.
func NormalizeSubject(subject string) string {
	s := oneLine(subject)
	tag := ""
	for {
		before := s
		s = replyPrefix.ReplaceAllString(s, "")
		if t := leadingTag.FindString(s); t != "" && tag == "" {
			tag, s = strings.TrimSpace(t), s[len(t):]
		}
		if s == before {
			break
		}
	}
	if tag == "" {
		return s
	}
	if s == "" {
		return tag
	}
	return tag + " " + s
}

var ratingPrefix = regexp.MustCompile(`(?i)^(rating|score|bewertung|note|grade)\s*[:=]?\s*`)

// Rating reads a satisfaction answer: the first non-empty line of text being a number from 1 to 5
// ("4", "4/5", "4 - good", "Rating: 4"). It returns 0 when there is none.
func Rating(text string) int {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		line = ratingPrefix.ReplaceAllString(line, "")
		if line == "" || line[0] < '1' || line[0] > '5' {
			return 0
		}
		n, rest := int(line[0]-'0'), strings.TrimLeft(line[1:], " ")
		switch {
		case rest == "":
			return n
		case rest[0] >= '0' && rest[0] <= '9':
			return 0 // 10, 42
		case rest[0] == '/':
			if r := strings.TrimLeft(rest[1:], " "); strings.HasPrefix(r, "5") && !startsWithDigit(r[1:]) {
				return n
			}
			return 0
		case (rest[0] == '.' || rest[0] == ',') && startsWithDigit(rest[1:]):
			return 0 // 4.5
		}
		return n
	}
	return 0
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }
