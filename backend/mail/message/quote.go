package message

import (
	"regexp"
	"strings"
)

// Lines where an earlier message starts, as mail clients write them.
var (
	// "On Tue, Mar 10, 2026 at 3:02 PM Sam <sam@example.com> wrote:", German, French, Dutch,
	// Spanish; Gmail may wrap the line before "wrote:".
	attribution = regexp.MustCompile(`^(On|Am|Le|Op|El)\s.{4,}`)
	attribEnd   = regexp.MustCompile(`(?i)(wrote|schrieb|a écrit|schreef|escribió)(\s[^:]*)?:\s*$`)
	// "-----Original Message-----" and its translations.
	originalMessage = regexp.MustCompile(`(?i)^\s*-{3,}\s*(original message|ursprüngliche nachricht|message d'origine|oorspronkelijk bericht|mensaje original)\s*-{3,}\s*$`)
	// Outlook's header block: "From: ..." then, within a few lines, "Sent: ..." or "Date: ...".
	outlookFrom = regexp.MustCompile(`^\*?(From|Von|De|Van)\s?:\*?\s`)
	outlookSent = regexp.MustCompile(`^\*?(Sent|Gesendet|Envoyé|Verzonden|Enviado|Date|Datum)\s?:\*?\s`)
	underscores = regexp.MustCompile(`^_{10,}\s*$`)
)

// splitQuoted cuts the earlier replies and the signature off text. It is conservative: it cuts only
// at a line it recognises, and when the cut would leave nothing it keeps the whole text.
func splitQuoted(text string) (fresh, quoted string) {
	lines := strings.Split(text, "\n")
	cut := quoteStart(lines)
	if sig := signatureStart(lines[:cut]); sig >= 0 {
		cut = sig
	}
	fresh = strings.TrimRight(strings.Join(lines[:cut], "\n"), " \t\n")
	if strings.TrimSpace(fresh) == "" {
		return strings.TrimSpace(text), ""
	}
	quoted = strings.Trim(strings.Join(lines[cut:], "\n"), "\n")
	return strings.TrimLeft(fresh, "\n"), quoted
}

// quoteStart is the index of the first line of the quoted earlier message, len(lines) when none.
func quoteStart(lines []string) int {
	for i, line := range lines {
		l := strings.TrimSpace(line)
		switch {
		case originalMessage.MatchString(l):
			return i
		case isAttribution(lines, i):
			return i
		case outlookFrom.MatchString(l) && outlookHeader(lines[i+1:]):
			if i > 0 && underscores.MatchString(strings.TrimSpace(lines[i-1])) {
				return i - 1
			}
			return i
		}
	}
	return trailingQuote(lines)
}

// isAttribution reports whether lines[i] (perhaps with the next line) is an "On ... wrote:" line
// followed by nothing but quoted or empty lines.
func isAttribution(lines []string, i int) bool {
	l := strings.TrimSpace(lines[i])
	if !attribution.MatchString(l) {
		return false
	}
	end := i
	if !attribEnd.MatchString(l) {
		if i+1 >= len(lines) || !attribEnd.MatchString(strings.TrimSpace(lines[i+1])) {
			return false
		}
		end = i + 1
	}
	return trailingQuote(lines[end+1:]) == 0 || nextIsQuote(lines[end+1:])
}

// nextIsQuote reports whether the first non-empty line is quoted with ">".
func nextIsQuote(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			return strings.HasPrefix(t, ">")
		}
	}
	return false
}

// outlookHeader reports whether a "Sent:" (or "Date:") line follows within the next four lines.
func outlookHeader(next []string) bool {
	for j := 0; j < len(next) && j < 4; j++ {
		if outlookSent.MatchString(strings.TrimSpace(next[j])) {
			return true
		}
	}
	return false
}

// trailingQuote is the index where a final run of ">" lines (blank lines allowed between them)
// begins, len(lines) when the text does not end in one.
func trailingQuote(lines []string) int {
	start := len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, ">"):
			start = i
		case t == "":
		default:
			return start
		}
	}
	return start
}

// signatureStart is the index of the "-- " signature separator line, -1 when none.
func signatureStart(lines []string) int {
	for i, l := range lines {
		if strings.TrimRight(l, "\r") == "-- " {
			return i
		}
	}
	return -1
}
