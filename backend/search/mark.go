package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
)

// marks finds what a query matched in the shown fields of a page of hits. The
// index keeps descriptions, comments and file texts stored but not indexed on their
// own (a word matches them in the combined text field), so the words to mark are
// found by analysing the hits' stored text the way the index analyses it: the
// cost falls on the 20 hits shown, not on every ticket indexed.
type marks struct {
	terms    map[string]bool // analysed terms of the query's words
	prefixes []string        // the word being typed, lower-cased: marks the words it begins, in titles and bodies
	phrases  [][]phraseTerm
}

// phraseTerm is one term of a quoted phrase, at its offset from the phrase's first term.
type phraseTerm struct {
	term   string
	offset int
}

func newMarks() *marks { return &marks{terms: map[string]bool{}} }

// word adds the analysed terms of one searched word.
func (m *marks) word(tokens analysis.TokenStream) {
	for _, t := range tokens {
		m.terms[string(t.Term)] = true
	}
}

// phrase adds an analysed quoted phrase.
func (m *marks) phrase(tokens analysis.TokenStream) {
	if len(tokens) == 0 {
		return
	}
	p := make([]phraseTerm, len(tokens))
	for i, t := range tokens {
		p[i] = phraseTerm{string(t.Term), t.Position - tokens[0].Position}
	}
	m.phrases = append(m.phrases, p)
}

func (m *marks) empty() bool {
	return m == nil || len(m.terms)+len(m.prefixes)+len(m.phrases) == 0
}

// locate returns where the query matched in one value of a field.
func (m *marks) locate(a analysis.Analyzer, field string, arrayPos []uint64, text string, into search.TermLocationMap) {
	if text == "" {
		return
	}
	tokens := a.Analyze([]byte(text))
	at := func(t *analysis.Token) {
		into.AddLocation(string(t.Term), &search.Location{Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End), ArrayPositions: arrayPos})
	}
	prefixed := field == fTitle || field == fBody
	for _, t := range tokens {
		if m.terms[string(t.Term)] || prefixed && slices.ContainsFunc(m.prefixes, func(p string) bool { return strings.HasPrefix(string(t.Term), p) }) {
			at(t)
		}
	}
	if len(m.phrases) == 0 {
		return
	}
	byPos := make(map[int]*analysis.Token, len(tokens))
	for _, t := range tokens {
		byPos[t.Position] = t
	}
	for _, p := range m.phrases {
		for _, first := range tokens {
			if phraseAt(p, first.Position, byPos) {
				for _, pt := range p {
					at(byPos[first.Position+pt.offset])
				}
			}
		}
	}
}

func phraseAt(p []phraseTerm, pos int, byPos map[int]*analysis.Token) bool {
	for _, pt := range p {
		if t := byPos[pos+pt.offset]; t == nil || string(t.Term) != pt.term {
			return false
		}
	}
	return true
}

// highlighter formats the excerpts: bleve's HTML highlighter, whose marks
// parseFragment reads back into plain-text parts.
var highlighter = func() highlight.Highlighter {
	h, err := bleve.Config.Cache.HighlighterNamed(html.Name)
	if err != nil {
		panic(err)
	}
	return h
}()

// highlight marks m's matches in the stored fields of h and adds the best excerpt
// of each field to it. A hit where nothing matched (a ticket found by its number)
// is left without excerpts.
func (x *Index) highlight(h *search.DocumentMatch, m *marks, fields []string) {
	doc := bdoc.NewDocument(h.ID)
	locations := search.FieldTermLocationMap{}
	for _, f := range fields {
		tlm := search.TermLocationMap{}
		values := storedStrings(h.Fields[f])
		for i, v := range values {
			var arrayPos []uint64
			if f == fFiles {
				arrayPos = []uint64{uint64(i)}
			}
			doc.AddField(bdoc.NewTextField(f, arrayPos, []byte(v)))
			m.locate(x.analyzer, f, arrayPos, v, tlm)
		}
		if len(tlm) > 0 {
			locations[f] = tlm
		}
	}
	if len(locations) == 0 {
		return
	}
	h.Locations = locations
	for _, f := range fields {
		highlighter.BestFragmentsInField(h, doc, f, 1)
	}
}
