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

	"outpost/backend/field"
)

// Limits on a query.
const (
	MaxQueryText = 500
	MaxTerms     = 32
	DefaultLimit = 20
	MaxLimit     = 200
)

// Query is what a person searches for. Status filters apply to tickets only:
// SOPs pass them (leave "sop" out of Kinds to see tickets alone).
type Query struct {
	Text     string   `json:"text"`
	Kinds    []string `json:"kinds,omitempty"`    // "ticket", "sop"; none means both
	Statuses []string `json:"statuses,omitempty"` // ticket statuses; none means any
	Category string   `json:"category,omitempty"`
	Limit    int      `json:"limit,omitempty"`
	Offset   int      `json:"offset,omitempty"`
}

// Result is one page of hits, best first, with counts for the filters.
type Result struct {
	Total  uint64                    `json:"total"`
	Took   time.Duration             `json:"took"` // nanoseconds
	Hits   []Hit                     `json:"hits"`
	Facets map[string]map[string]int `json:"facets"` // field -> value -> count, over every match
	Status Status                    `json:"status"`
}

// Hit is one matching ticket or SOP with highlighted excerpts.
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

// Fragment is an excerpt of one field.
type Fragment struct {
	Field string `json:"field"`
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
	req, err := x.request(q)
	if err != nil {
		return Result{}, err
	}
	return x.execute(req)
}

func (x *Index) request(q Query) (*bleve.SearchRequest, error) {
	if err := field.Text("text", q.Text, MaxQueryText, false, false); err != nil {
		return nil, err
	}
	for _, k := range q.Kinds {
		if k != KindTicket && k != KindSOP {
			return nil, field.Errorf("kinds", "must be ticket or sop, not %q", k)
		}
	}
	if q.Limit < 0 || q.Limit > MaxLimit || q.Offset < 0 {
		return nil, field.Errorf("limit", "must be from 1 to %d", MaxLimit)
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	words, phrases := parseText(q.Text)
	if len(words)+len(phrases) > MaxTerms {
		return nil, field.Errorf("text", "has %d words; the limit is %d", len(words)+len(phrases), MaxTerms)
	}
	var must []query.Query
	for i, w := range words {
		if d := x.wordQuery(w, i == len(words)-1 && !strings.HasSuffix(q.Text, " ")); d != nil {
			must = append(must, d)
		}
	}
	for _, p := range phrases {
		must = append(must, fieldsQuery(func() query.FieldableQuery { return bleve.NewMatchPhraseQuery(p) },
			map[string]float64{fTitle: 4, fBody: 1, fComments: 0.5}))
	}
	bq := bleve.NewBooleanQuery()
	if len(must) > 0 {
		bq.AddMust(bleve.NewConjunctionQuery(must...))
	} else {
		bq.AddMust(bleve.NewMatchAllQuery())
	}
	if f := filters(q); f != nil {
		bq.AddFilter(f)
	}
	req := bleve.NewSearchRequestOptions(bq, q.Limit, q.Offset, false)
	req.Fields = []string{fKind, fTitle, fNumber, fStatus, fCategory, fPriority, fUpdated}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.Fields = []string{fTitle, fBody, fComments}
	if len(must) > 0 {
		req.SortBy([]string{"-_score", "-" + fUpdated, "_id"})
	} else {
		req.SortBy([]string{"-" + fUpdated, "_id"})
	}
	req.AddFacet(fKind, bleve.NewFacetRequest(fKind, 2))
	req.AddFacet(fStatus, bleve.NewFacetRequest(fStatus, 10))
	req.AddFacet(fCategory, bleve.NewFacetRequest(fCategory, 20))
	return req, nil
}

// wordQuery matches one word in any field, weighted by where it is found; the
// word being typed (last) also matches as a prefix. Stop words give nil.
func (x *Index) wordQuery(w string, typing bool) query.Query {
	if len(x.analyzer.Analyze([]byte(w))) == 0 {
		return nil
	}
	d := fieldsQuery(func() query.FieldableQuery {
		m := bleve.NewMatchQuery(w) // a word the analyser splits ("e-mail") needs all its parts
		m.SetOperator(query.MatchQueryOperatorAnd)
		return m
	},
		map[string]float64{fTitle: 4, fTags: 2, fBody: 1, fComments: 0.5, fNumber: 8})
	if typing && utf8.RuneCountInString(w) >= 3 && !strings.ContainsAny(w, "*?") {
		lw := strings.ToLower(w)
		d.AddQuery(fieldsQuery(func() query.FieldableQuery { return bleve.NewPrefixQuery(lw) },
			map[string]float64{fTitle: 1.5, fBody: 0.3}).Disjuncts...)
	}
	return d
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
		sop := bleve.NewTermQuery(KindSOP)
		sop.SetField(fKind)
		st.AddQuery(sop)
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

func (x *Index) execute(req *bleve.SearchRequest) (Result, error) {
	res, err := x.idx.Search(req)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string]map[string]int{}, Status: x.Status()}
	for _, h := range res.Hits {
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
	for _, f := range []string{fBody, fComments} {
		for _, frag := range h.Fragments[f] {
			hit.Snippets = append(hit.Snippets, Fragment{Field: f, Parts: parseFragment(frag)})
		}
	}
	return hit
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
