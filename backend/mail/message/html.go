package message

import (
	"net/url"
	"strings"

	"github.com/jaytaylor/html2text"
	"github.com/microcosm-cc/bluemonday"
)

// newPolicy is the sanitising policy for mail HTML: bluemonday's user-generated-content policy
// (no script, no event handlers, no style elements or attributes, no forms, frames or objects,
// only http, https and mailto URLs), links opened outside with rel=nofollow noopener, and cid:
// URLs allowed so an inline image can be resolved to its attachment by Content-ID. An image may
// load only a cid: URL: a remote image (a tracking pixel, often) keeps its alt text but loses its
// src, so showing a mail fetches nothing.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemeWithCustomPolicy("cid", func(u *url.URL) bool { return u.Opaque != "" })
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RewriteSrc(func(u *url.URL) {
		if u.Scheme != "cid" {
			*u = url.URL{}
		}
	})
	return p
}

// sanitizeHTML returns html safe to display, or "" when nothing displayable is left.
func sanitizeHTML(html string) string {
	out := strings.TrimSpace(newPolicy().Sanitize(html))
	if out == "" {
		return ""
	}
	return out
}

// htmlToText renders sanitised HTML as plain text, links written out after their text.
func htmlToText(html string) string {
	text, err := html2text.FromString(html, html2text.Options{})
	if err != nil {
		return ""
	}
	return text
}
