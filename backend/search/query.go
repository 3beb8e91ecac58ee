package search

import (
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"outpost/backend/core/field"
)

// Limits on a query.
const (
	MaxQueryText = 500
	MaxTerms     = 32
	DefaultLimit = 20
	MaxLimit     = 200
)

// Query is what a person searches for. Status filters apply to tickets only:
// SOPs and requesters pass them (name the kinds to see tickets alone).
type Query struct {
	Text     string   `json:"text"`
	Kinds    []string `json:"kinds,omitempty"`    // "ticket", "sop", "requester"; none means all
	Statuses []string `json:"statuses,omitempty"` // ticket statuses; none means any
	Category string   `json:"category,omitempty"`
	Limit    int      `json:"limit,omitempty"`
	Offset   int      `json:"offset,omitempty"`
	Facets   bool     `json:"facets,omitempty"` // count matches by kind, status and category (slower on broad queries)
}

// Result is one page of hits, best first, with counts for the filters.
type Result struct {
	Total  uint64                    `json:"total"`
	Took   time.Duration             `json:"took"` // nanoseconds
	Hits   []Hit                     `json:"hits"`
	Facets map[string]map[string]int `json:"facets"` // field -> value -> count, over every match
	Status Status                    `json:"status"`
}

// Hit is one matching ticket, SOP or requester with highlighted excerpts.
type Hit struct {
	Kind     string     `json:"kind"`
	ID       string     `json:"id"`
	Score    float64    `json:"score"`
	Title    []Part     `json:"title"` // the whole title, matches marked
	Number   string     `json:"number,omitempty"`
	Status   string     `json:"status,omitempty"`
	Category string     `json:"category,omitempty"`
	Priority string     `json:"priority,omitempty"`
	Updated  time.Time  `json:"updated"`
	Snippets []Fragment `json:"snippets"` // excerpts of the body and comments around the matches
}

// Fragment is an excerpt of one field. Field "files" is the text of an attachment, named by File.
type Fragment struct {
	Field string `json:"field"`
	File  string `json:"file,omitempty"`
	Parts []Part `json:"parts"`
}

// Part is a run of plain text; Match marks the words that matched. The UI
// renders parts as text nodes, never as HTML.
type Part struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// Search runs q against the index.
func (x *Index) Search(q Query) (Result, error) {
	req, m, err := x.request(q)
	if err != nil {
		return Result{}, err
	}
	return x.execute(req, m, []string{fTitle, fBody, fComments, fFiles})
}

// request builds the search for q, and what marks its matches in the excerpts.
func (x *Index) request(q Query) (*bleve.SearchRequest, *marks, error) {
	if err := field.Text("text", q.Text, MaxQueryText, false, false); err != nil {
		return nil, nil, err
	}
	for _, k := range q.Kinds {
		if k != KindTicket && k != KindSOP && k != KindRequester {
			return nil, nil, field.Errorf("kinds", "must be ticket, sop or requester, not %q", k)
		}
	}
	if q.Limit < 0 || q.Limit > MaxLimit || q.Offset < 0 {
		return nil, nil, field.Errorf("limit", "must be from 1 to %d", MaxLimit)
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	words, phrases := parseText(q.Text)
	if len(words)+len(phrases) > MaxTerms {
		return nil, nil, field.Errorf("text", "has %d words; the limit is %d", len(words)+len(phrases), MaxTerms)
	}
	var must, should []query.Query
	m := newMarks()
	for i, w := range words {
		mu, sh := x.wordQuery(w, i == len(words)-1 && !strings.HasSuffix(q.Text, " "), m)
		if mu != nil {
			must, should = append(must, mu), append(should, sh)
		}
	}
	for _, p := range phrases {
		ph := fieldsQuery(func() query.FieldableQuery { return bleve.NewMatchPhraseQuery(p) },
			map[string]float64{fTitle: 4, fText: 1})
		must = append(must, ph)
		m.phrase(x.analyzer.Analyze([]byte(p)))
	}
	bq := bleve.NewBooleanQuery()
	if len(must) > 0 {
		bq.AddMust(bleve.NewConjunctionQuery(must...))
		bq.AddShould(should...)
	} else {
		bq.AddMust(bleve.NewMatchAllQuery())
	}
	if f := filters(q); f != nil {
		bq.AddFilter(f)
	}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, q.Offset, false)
	req.Fields = []string{fKind, fTitle, fNumber, fStatus, fCategory, fPriority, fUpdated, fNames}
	if len(must) == 0 { // nothing to rank by: newest first
		req.SortBy([]string{"-" + fUpdated, "_id"})
	}
	if q.Facets {
		req.AddFacet(fKind, bleve.NewFacetRequest(fKind, 3))
		req.AddFacet(fStatus, bleve.NewFacetRequest(fStatus, 10))
		req.AddFacet(fCategory, bleve.NewFacetRequest(fCategory, 20))
	}
	return req, m, nil
}

// wordQuery builds the queries for one word: must matches it anywhere (the
// combined text field or a whole ticket number; the word being typed also as a
// prefix of a title word), and
// should ranks higher the records that have it in their title, tags or number.
// The word is added to m, which marks it in the excerpts. Stop words give nils.
func (x *Index) wordQuery(w string, typing bool, m *marks) (must, should query.Query) {
	tokens := x.analyzer.Analyze([]byte(w))
	if len(tokens) == 0 {
		return nil, nil
	}
	m.word(tokens)
	match := func() query.FieldableQuery {
		m := bleve.NewMatchQuery(w) // a word the analyser splits ("e-mail") needs all its parts
		m.SetOperator(query.MatchQueryOperatorAnd)
		return m
	}
	text := match()
	text.SetField(fText)
	alternatives := []query.Query{text}
	if strings.ContainsAny(w, "0123456789") { // may be a ticket number
		number := match()
		number.SetField(fNumber)
		number.(query.BoostableQuery).SetBoost(8)
		alternatives = append(alternatives, number)
	}
	if typing && utf8.RuneCountInString(w) >= 3 && !strings.ContainsAny(w, "*?") {
		lw := strings.ToLower(w)
		prefix := bleve.NewPrefixQuery(lw)
		prefix.SetField(fTitle)
		prefix.SetBoost(0.5)
		alternatives = append(alternatives, prefix)
		m.prefixes = append(m.prefixes, lw)
	}
	must = text
	if len(alternatives) > 1 {
		must = bleve.NewDisjunctionQuery(alternatives...)
	}
	should = fieldsQuery(match, map[string]float64{fTitle: 3, fTags: 1.5})
	return must, should
}

// fieldsQuery ORs one query over several fields with a boost per field.
func fieldsQuery(mk func() query.FieldableQuery, boosts map[string]float64) *query.DisjunctionQuery {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range boosts {
			if !yield(k) {
				return
			}
		}
	})
	d := bleve.NewDisjunctionQuery()
	for _, f := range names {
		q := mk()
		q.SetField(f)
		q.(query.BoostableQuery).SetBoost(boosts[f])
		d.AddQuery(q)
	}
	return d
}

// filters restricts matches without changing their scores.
func filters(q Query) query.Query {
	var fs []query.Query
	if len(q.Kinds) > 0 {
		fs = append(fs, terms(fKind, q.Kinds))
	}
	if len(q.Statuses) > 0 {
		st := terms(fStatus, q.Statuses)
		for _, k := range []string{KindSOP, KindRequester} {
			other := bleve.NewTermQuery(k)
			other.SetField(fKind)
			st.AddQuery(other)
		}
		fs = append(fs, st)
	}
	if c := strings.TrimSpace(q.Category); c != "" {
		fs = append(fs, terms(fCategory, []string{c}))
	}
	if len(fs) == 0 {
		return nil
	}
	return bleve.NewConjunctionQuery(fs...)
}

func terms(f string, values []string) *query.DisjunctionQuery {
	d := bleve.NewDisjunctionQuery()
	for _, v := range values {
		t := bleve.NewTermQuery(strings.ToLower(v))
		t.SetField(f)
		d.AddQuery(t)
	}
	return d
}

// parseText splits search text into words and "quoted phrases".
func parseText(s string) (words, phrases []string) {
	for i, part := range strings.Split(s, `"`) {
		if i%2 == 1 { // inside quotes
			if strings.TrimSpace(part) != "" {
				phrases = append(phrases, strings.TrimSpace(part))
			}
			continue
		}
		words = append(words, strings.Fields(part)...)
	}
	return words, phrases
}

// execute runs req, then marks the matches of m in the hits' fields (see marks):
// over the page of hits only, from their stored text.
func (x *Index) execute(req *bleve.SearchRequest, m *marks, fields []string) (Result, error) {
	if !m.empty() {
		for _, f := range fields {
			if !slices.Contains(req.Fields, f) {
				req.Fields = append(req.Fields, f)
			}
		}
	}
	res, err := x.idx.Search(req)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string]map[string]int{}, Status: x.Status()}
	for _, h := range res.Hits {
		if !m.empty() {
			x.highlight(h, m, fields)
		}
		out.Hits = append(out.Hits, toHit(h))
	}
	for name, f := range res.Facets {
		counts := map[string]int{}
		if f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts[t.Term] = t.Count
			}
		}
		out.Facets[name] = counts
	}
	return out, nil
}

func toHit(h *search.DocumentMatch) Hit {
	kind, id := splitDocID(h.ID)
	str := func(f string) string { s, _ := h.Fields[f].(string); return s }
	hit := Hit{Kind: kind, ID: id, Score: h.Score, Number: str(fNumber), Status: str(fStatus),
		Category: str(fCategory), Priority: str(fPriority), Snippets: []Fragment{}}
	hit.Updated, _ = time.Parse(time.RFC3339Nano, str(fUpdated))
	if t := h.Fragments[fTitle]; len(t) > 0 {
		hit.Title = parseFragment(t[0])
	} else {
		hit.Title = []Part{{Text: str(fTitle)}}
	}
	for _, f := range []string{fBody, fComments, fFiles} {
		for _, frag := range h.Fragments[f] {
			if parts := parseFragment(frag); !blank(parts) { // a field with no text gives an empty fragment
				hit.Snippets = append(hit.Snippets, Fragment{Field: f, Parts: parts})
			}
		}
	}
	names := storedStrings(h.Fields[fNames])
	for i := range hit.Snippets {
		if hit.Snippets[i].Field == fFiles {
			hit.Snippets[i].File = fileOf(h.Locations, names)
		}
	}
	return hit
}

func blank(parts []Part) bool {
	for _, p := range parts {
		if strings.TrimSpace(p.Text) != "" {
			return false
		}
	}
	return true
}

// parseFragment reads bleve's HTML highlight (escaped text, matches in <mark>)
// back into plain-text parts, so no HTML from a ticket ever reaches the UI as markup.
func parseFragment(s string) []Part {
	var parts []Part
	for s != "" {
		i := strings.Index(s, "<mark>")
		if i < 0 {
			parts = appendPart(parts, html.UnescapeString(s), false)
			break
		}
		parts = appendPart(parts, html.UnescapeString(s[:i]), false)
		s = s[i+len("<mark>"):]
		j := strings.Index(s, "</mark>")
		if j < 0 {
			j = len(s)
		}
		parts = appendPart(parts, html.UnescapeString(s[:j]), true)
		s = s[min(len(s), j+len("</mark>")):]
	}
	return parts
}

func appendPart(parts []Part, text string, match bool) []Part {
	if text == "" {
		return parts
	}
	if n := len(parts); n > 0 && parts[n-1].Match == match {
		parts[n-1].Text += text
		return parts
	}
	return append(parts, Part{Text: text, Match: match})
}
