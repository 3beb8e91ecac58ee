package sop

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMarkdown feeds arbitrary SOP bodies (which arrive from peers as changes) to the Go side
// of markdown: PlainText, which search indexes and quotes, and Snippets, which the reply box
// offers. HTML is rendered only in the frontend (marked, then DOMPurify); here nothing may
// panic, PlainText keeps UTF-8 text UTF-8 and drops raw HTML blocks whole, and every snippet
// is text of the body itself, inside a fence the body opens.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Password reset\n\n1. Open **Users**\n2. Click [reset](https://example.com/reset)\n",
		"```snippet Password reset reply\nHello, your password has been reset.\n```\n",
		"~~~ snippet: VPN\r\nReconnect, then restart.\r\n~~~\r\n\n```go\nfmt.Println()\n```",
		"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
		"    indented <b>code</b>\n\n> quote with <span onclick=\"x()\">html</span> &amp; &lt;tags&gt;\n",
		"| a | b |\n|---|---|\n| <em>1</em> | 2 |\n\n- [ ] task\n- [x] done\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		text := PlainText(body)
		if utf8.ValidString(body) && !utf8.ValidString(text) {
			t.Fatalf("PlainText of UTF-8 text is not UTF-8: %q", text)
		}
		const block = "<div class=\"secret-marker\">\nHIDDEN-TEXT\n</div>"
		if !strings.Contains(body, "HIDDEN") && strings.Contains(PlainText(block+"\n\n"+body), "HIDDEN") {
			t.Fatalf("an HTML block's text reached the plain text of %q", body)
		}
		norm := strings.ReplaceAll(body, "\r\n", "\n")
		snippets := Snippets(body)
		if len(snippets) > strings.Count(norm, "\n")+1 {
			t.Fatalf("%d snippets in %d lines", len(snippets), strings.Count(norm, "\n")+1)
		}
		for _, s := range snippets {
			if s.Name == "" || !strings.Contains(norm, s.Body) {
				t.Fatalf("snippet %q is not text of the body: %q", s.Name, s.Body)
			}
			if !strings.HasPrefix(s.Name, "Snippet ") && !strings.Contains(strings.ToLower(norm), strings.ToLower(s.Name)) {
				t.Fatalf("snippet name %q is not in the body", s.Name)
			}
		}
	})
}
