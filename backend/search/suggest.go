package search

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"outpost/backend/core/record"
	"outpost/backend/ticket"
)

// ErrNoTicket reports a suggestion asked for a ticket that does not exist.
var ErrNoTicket = errors.New("ticket not found")

// suggestTerms is how many of a ticket's terms make up its more-like-this query.
const suggestTerms = 25

// Suggestion is an SOP that may help with a ticket.
type Suggestion struct {
	Hit
	Linked bool `json:"linked"` // already linked as resolving this ticket
}

// Suggest finds the SOPs most like a ticket's text: its title, description and
// comments are analysed like the index, the most frequent terms (title words
// counted three times) become a disjunction over SOP titles, tags and bodies, and
// bleve's tf-idf ranks SOPs, so terms common to every SOP weigh little.
// SOPs already linked to the ticket come first.
func (x *Index) Suggest(ticketID string, limit int) ([]Suggestion, error) {
	if limit <= 0 || limit > MaxLimit {
		limit = 5
	}
	rec, err := record.Live(x.st, ticket.Kind, ticketID, ErrNoTicket)
	if err != nil {
		return nil, err
	}
	t := ticket.FromRecord(rec)
	var text strings.Builder
	text.WriteString(strings.Repeat(t.Title+"\n", 3))
	text.WriteString(t.Description)
	for _, c := range t.Comments {
		text.WriteString("\n" + c.Body)
	}
	for _, tag := range t.Tags {
		text.WriteString("\n" + tag)
	}
	linked, err := x.linkedSOPs(ticketID)
	if err != nil {
		return nil, err
	}
	out := []Suggestion{}
	for _, h := range linked {
		out = append(out, Suggestion{Hit: h, Linked: true})
	}
	terms := x.topTerms(text.String(), suggestTerms)
	if len(terms) == 0 || len(out) >= limit {
		return out[:min(len(out), limit)], nil
	}
	like, m := bleve.NewDisjunctionQuery(), newMarks()
	for _, term := range terms {
		m.terms[term] = true
		for f, boost := range map[string]float64{fTitle: 3, fTags: 2, fText: 1} {
			q := bleve.NewTermQuery(term)
			q.SetField(f)
			q.SetBoost(boost)
			like.AddQuery(q)
		}
	}
	kind := bleve.NewTermQuery(KindSOP)
	kind.SetField(fKind)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(like)
	bq.AddFilter(kind)
	req := bleve.NewSearchRequestOptions(bq, limit+len(linked), 0, false)
	req.Fields = []string{fKind, fTitle, fCategory, fUpdated}
	res, err := x.execute(req, m, []string{fTitle, fBody})
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		if len(out) >= limit {
			break
		}
		if !slices.ContainsFunc(linked, func(l Hit) bool { return l.ID == h.ID }) {
			out = append(out, Suggestion{Hit: h})
		}
	}
	return out, nil
}

// topTerms analyses text like the index does and returns its most frequent
// terms, longer terms first among equals.
func (x *Index) topTerms(text string, n int) []string {
	freq := map[string]int{}
	for _, tok := range x.analyzer.Analyze([]byte(text)) {
		if t := string(tok.Term); len(t) > 1 {
			freq[t]++
		}
	}
	terms := make([]string, 0, len(freq))
	for t := range freq {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b string) int {
		return cmp.Or(cmp.Compare(freq[b], freq[a]), cmp.Compare(len(b), len(a)), cmp.Compare(a, b))
	})
	return terms[:min(n, len(terms))]
}

// LinkedSOPs returns the SOPs linked as having resolved a ticket.
func (x *Index) LinkedSOPs(ticketID string) ([]Hit, error) { return x.linkedSOPs(ticketID) }

func (x *Index) linkedSOPs(ticketID string) ([]Hit, error) {
	q := bleve.NewTermQuery(strings.ToLower(ticketID))
	q.SetField(fTickets)
	req := bleve.NewSearchRequestOptions(q, MaxLimit, 0, false)
	req.Fields = []string{fKind, fTitle, fCategory, fUpdated}
	req.SortBy([]string{"-" + fUpdated, "_id"})
	res, err := x.execute(req, nil, nil)
	if err != nil {
		return nil, err
	}
	return res.Hits, nil
}
