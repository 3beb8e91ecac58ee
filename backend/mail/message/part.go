package message

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jhillyerd/enmime"
)

// maxNameBytes bounds a sanitised file name.
const maxNameBytes = 200

// attachments returns the attachments and inline images of env in message order. Text and HTML
// body parts are not attachments; a text part with a file name is.
func attachments(env *enmime.Envelope) []Part {
	seen := map[*enmime.Part]bool{}
	var out []Part
	for _, group := range [][]*enmime.Part{env.Attachments, env.Inlines, env.OtherParts} {
		for _, p := range group {
			if seen[p] || isBody(p) {
				continue
			}
			seen[p] = true
			out = append(out, newPart(p))
		}
	}
	return out
}

func isBody(p *enmime.Part) bool {
	if p.FileName != "" || p.Disposition == "attachment" {
		return false
	}
	return p.ContentType == "text/plain" || p.ContentType == "text/html" || p.ContentType == ""
}

func newPart(p *enmime.Part) Part {
	declared := strings.ToLower(p.ContentType)
	media := sniff(p.Content, declared)
	name := p.FileName
	if name == "" && (declared == "application/ms-tnef" || declared == "application/vnd.ms-tnef") {
		name = "winmail.dat"
	}
	cid := strings.Trim(strings.TrimSpace(p.ContentID), "<>")
	return Part{
		Name:      sanitizeName(name, media),
		MediaType: media,
		ContentID: cid,
		Inline:    p.Disposition == "inline" || (cid != "" && p.Disposition != "attachment"),
		Data:      p.Content,
	}
}

// active types are never taken from a header: shown as such they run or render content.
var active = map[string]bool{"text/html": true, "image/svg+xml": true, "application/xhtml+xml": true, "text/xml": true, "application/xml": true, "application/javascript": true, "text/javascript": true}

// sniff is the media type of data: what net/http.DetectContentType sees, or the declared type where
// the bytes only say "some text", "some binary" or "a zip" and the declared type is of that kind
// (text/x-log for text, application/ms-tnef for binary, an office document for a zip).
func sniff(data []byte, declared string) string {
	seen, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if declared == "" || active[declared] || declared == seen {
		return seen
	}
	switch seen {
	case "text/plain":
		if strings.HasPrefix(declared, "text/") || strings.HasPrefix(declared, "message/") {
			return declared
		}
	case "application/octet-stream":
		if !strings.HasPrefix(declared, "text/") && !strings.HasPrefix(declared, "multipart/") && declared != "application/pdf" && !strings.HasPrefix(declared, "image/") {
			return declared
		}
	case "application/zip":
		if strings.Contains(declared, "officedocument") || strings.Contains(declared, "opendocument") || strings.HasSuffix(declared, "+zip") {
			return declared
		}
	}
	return seen
}

// sanitizeName makes a file name safe to show and to save: the last path element, no control
// characters, none of the characters file systems refuse, bounded in length. An empty name becomes
// "attachment" with an extension for media.
func sanitizeName(name, media string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ". ")
	if len(name) > maxNameBytes {
		name = truncateName(name)
	}
	if name == "" {
		if n, ok := defaultNames[media]; ok {
			return n
		}
		return "attachment" + extension(media)
	}
	return name
}

// truncateName shortens name to maxNameBytes, keeping a short extension.
func truncateName(name string) string {
	ext := ""
	if i := strings.LastIndex(name, "."); i > 0 && len(name)-i <= 10 {
		name, ext = name[:i], name[i:]
	}
	for len(name)+len(ext) > maxNameBytes {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name + ext
}

// defaultNames name the unnamed parts of a bounce.
var defaultNames = map[string]string{
	"message/delivery-status": "delivery-status.txt", "message/global-delivery-status": "delivery-status.txt",
	"text/rfc822-headers": "original-headers.txt", "message/rfc822": "original-message.eml",
}

var extensions = map[string]string{
	"application/octet-stream": ".bin", "text/plain": ".txt", "text/html": ".html", "image/png": ".png",
	"image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf", "message/rfc822": ".eml", "application/ms-tnef": ".dat",
}

func extension(media string) string {
	if e, ok := extensions[media]; ok {
		return e
	}
	if exts, _ := mime.ExtensionsByType(media); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// problems lists, in human words, the damage enmime found and worked around in each part.
// Warnings that lose nothing (an HTML-only mail, a charset guess that disagreed with the header)
// are not problems.
func problems(root *enmime.Part) []string {
	var out []string
	seen := map[string]bool{}
	_ = root.DepthMatchAll(func(p *enmime.Part) bool {
		for _, e := range p.Errors {
			s := describe(p, e)
			if s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		return false
	})
	return out
}

func describe(p *enmime.Part, e *enmime.Error) string {
	what := "the message body"
	if p.Parent != nil || p.FileName != "" {
		what = fmt.Sprintf("part %s (%s)", p.PartID, p.ContentType)
		if p.FileName != "" {
			what = fmt.Sprintf("the attachment %q", sanitizeName(p.FileName, ""))
		}
	}
	switch e.Name {
	case enmime.ErrorPlainTextFromHTML, enmime.ErrorCharsetDeclaration, enmime.ErrorMissingContentType:
		return ""
	case enmime.ErrorMalformedBase64:
		return fmt.Sprintf("the base64 content of %s is damaged; what could be read is kept", what)
	case enmime.ErrorCharsetConversion:
		return fmt.Sprintf("%s names a character set that is not known (%s); its text is kept as it came", what, humanDetail(e.Detail))
	case enmime.ErrorContentEncoding:
		return fmt.Sprintf("%s has an unknown transfer encoding; its content is kept undecoded", what)
	case enmime.ErrorMissingBoundary:
		return fmt.Sprintf("%s ends before its closing MIME boundary; what came is kept", what)
	case enmime.ErrorMalformedChildPart:
		return fmt.Sprintf("a part inside %s could not be read and was left out (%s)", what, humanDetail(e.Detail))
	case enmime.ErrorMalformedHeader:
		return fmt.Sprintf("a header line of %s is malformed and was skipped", what)
	}
	return fmt.Sprintf("%s: %s", what, humanDetail(e.Name+": "+e.Detail))
}

// humanDetail trims a library error's detail to one readable line: the input it quotes may carry
// control characters and invalid UTF-8, which become "?".
func humanDetail(s string) string {
	s = strings.TrimPrefix(oneLine(s), "Failed to ReadParts: ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > 160 {
		s = strings.ToValidUTF8(s[:160], "") + "..."
	}
	return s
}
