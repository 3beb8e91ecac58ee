package sop

import (
	"strconv"
	"strings"
)

// Snippet is a canned response kept inside an SOP: a fenced block whose info
// string starts with "snippet", followed by the snippet's name:
//
//	```snippet Password reset reply
//	Hello, your password has been reset. ...
//	```
type Snippet struct {
	Name string `json:"name"`
	Body string `json:"body"`
}

// Snippets extracts the canned responses of a markdown body, in order. A
// snippet without a name is called "Snippet N"; an unclosed one runs to the end.
func Snippets(body string) []Snippet {
	out := []Snippet{}
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		fence, info, ok := openingFence(lines[i])
		if !ok {
			continue
		}
		var content []string
		j := i + 1
		for ; j < len(lines) && !closesFence(lines[j], fence); j++ {
			content = append(content, lines[j])
		}
		i = j
		rest, isSnippet := strings.CutPrefix(info, "snippet")
		if !isSnippet || rest != "" && rest[0] != ' ' && rest[0] != ':' {
			continue // an ordinary code block
		}
		name := strings.TrimSpace(strings.TrimPrefix(rest, ":"))
		if name == "" {
			name = "Snippet " + strconv.Itoa(len(out)+1)
		}
		out = append(out, Snippet{Name: name, Body: strings.Join(content, "\n")})
	}
	return out
}

// openingFence reads a CommonMark code fence (up to three spaces, then three or
// more backticks or tildes) and its info string.
func openingFence(line string) (fence, info string, ok bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return "", "", false
	}
	n := len(t) - len(strings.TrimLeft(t, t[:1]))
	if n < 3 {
		return "", "", false
	}
	info = strings.TrimSpace(t[n:])
	if t[0] == '`' && strings.Contains(info, "`") {
		return "", "", false
	}
	return t[:n], strings.ToLower(info[:min(len(info), 7)]) + info[min(len(info), 7):], true
}

// closesFence reports whether line closes a block opened by fence.
func closesFence(line, fence string) bool {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return false
	}
	t = strings.TrimRight(t, " \t")
	return len(t) >= len(fence) && strings.Trim(t, fence[:1]) == ""
}
