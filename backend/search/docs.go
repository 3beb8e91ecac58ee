package search

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"

	"outpost/backend/core/change"
	"outpost/backend/requester"
	"outpost/backend/sop"
	"outpost/backend/ticket"
)

// schemaVersion changes whenever the mapping or the documents change shape; an
// index written under another version is rebuilt.
const schemaVersion = "outpost-search-7"

// Kinds of documents in the index.
const (
	KindTicket    = "ticket"
	KindSOP       = "sop"
	KindRequester = "requester"
)

// indexedKinds are the record kinds the index holds.
var indexedKinds = []string{ticket.Kind, sop.Kind, requester.Kind}

// indexed reports whether records of kind are in the index.
func indexed(kind string) bool { return slices.Contains(indexedKinds, kind) }

// Index fields. Text fields are analysed for English (stemmed, stop words
// dropped); keyword fields match whole, lower-cased values. Each word of a record
// is analysed into the combined text field once; only the short fields that
// rank (title, tags) are analysed a second time. Excerpts mark their matches
// from the stored text (marks).
const (
	fKind     = "kind"     // keyword
	fText     = "text"     // text with positions: title, tags, body, comments and file texts together; what a word or phrase must match
	fTitle    = "title"    // text with positions, stored: a ticket's or SOP's title, a requester's name
	fBody     = "body"     // stored only: ticket description, SOP body, or a requester's addresses, department and site
	fComments = "comments" // stored only: ticket comments
	fTags     = "tags"     // text, stored
	fNumber   = "number"   // keyword, stored: human ticket number
	fStatus   = "status"   // keyword, stored
	fCategory = "category" // keyword, stored
	fTickets  = "tickets"  // keyword: tickets an SOP helped resolve
	fPriority = "priority" // stored only
	fUpdated  = "updated"  // date, stored, sortable
	fFiles    = "files"    // stored only: the text of text attachments, one array value per file
	fNames    = "names"    // stored only: the names of those files, in the same order
)

const analyzerKeyword = "lowerkeyword"

// newMapping describes how records become searchable documents.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	err := m.AddCustomAnalyzer(analyzerKeyword, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []string{lowercase.Name},
	})
	if err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = en.AnalyzerName
	text := func(store, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = positions // phrases need them
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerKeyword
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	stored := bleve.NewTextFieldMapping()
	stored.Index, stored.IncludeTermVectors, stored.IncludeInAll, stored.DocValues = false, false, false, false
	updated := bleve.NewDateTimeFieldMapping()
	updated.IncludeInAll = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fKind, keyword(true))
	doc.AddFieldMappingsAt(fText, text(false, true))
	doc.AddFieldMappingsAt(fTitle, text(true, true))
	doc.AddFieldMappingsAt(fBody, stored)
	doc.AddFieldMappingsAt(fComments, stored)
	doc.AddFieldMappingsAt(fTags, text(true, false))
	doc.AddFieldMappingsAt(fNumber, keyword(true))
	doc.AddFieldMappingsAt(fStatus, keyword(true))
	doc.AddFieldMappingsAt(fCategory, keyword(true))
	doc.AddFieldMappingsAt(fTickets, keyword(false))
	doc.AddFieldMappingsAt(fPriority, stored)
	doc.AddFieldMappingsAt(fFiles, stored)
	doc.AddFieldMappingsAt(fNames, stored)
	doc.AddFieldMappingsAt(fUpdated, updated)
	m.DefaultMapping = doc
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}

// docID names a record's document.
func docID(kind, id string) string { return kind + "/" + id }

// splitDocID returns the kind and record ID of a document ID.
func splitDocID(s string) (kind, id string) {
	kind, id, _ = strings.Cut(s, "/")
	return kind, id
}

// document turns a record into what the index stores; ok is false for records
// that should not be in the index (deleted, or of a kind it does not hold).
func document(r change.Record) (doc map[string]any, ok bool) {
	if r.Deleted() {
		return nil, false
	}
	switch r.Kind {
	case ticket.Kind:
		t := ticket.FromRecord(r)
		comments := make([]string, 0, len(t.Comments))
		for _, c := range t.Comments {
			comments = append(comments, c.Body)
		}
		return map[string]any{
			fText: strings.Join([]string{t.Title, strings.Join(t.Tags, " "), t.Description, strings.Join(comments, "\n\n")}, "\n"),
			fKind: KindTicket, fTitle: t.Title, fBody: t.Description, fComments: strings.Join(comments, "\n\n"),
			fTags: strings.Join(t.Tags, " "), fNumber: t.Number, fStatus: string(t.Status), fCategory: t.Category,
			fPriority: "P" + strconv.Itoa(t.Priority), fUpdated: updated(r),
		}, true
	case sop.Kind:
		s := sop.FromRecord(r, "")
		body := sop.PlainText(s.Body) // excerpts read as prose, not markdown
		return map[string]any{
			fText: strings.Join([]string{s.Title, strings.Join(s.Tags, " "), body}, "\n"),
			fKind: KindSOP, fTitle: s.Title, fBody: body, fTags: strings.Join(s.Tags, " "),
			fCategory: s.Category, fTickets: s.Tickets, fUpdated: updated(r),
		}, true
	case requester.Kind:
		q := requester.FromRecord(r)
		var about []string
		for _, v := range append(slices.Clone(q.Emails), q.Department, q.Site) {
			if v != "" {
				about = append(about, v)
			}
		}
		body := strings.Join(about, " · ")
		return map[string]any{
			fText: q.Name + "\n" + body, fKind: KindRequester, fTitle: q.Name, fBody: body, fUpdated: updated(r),
		}, true
	}
	return nil, false
}

// document is the record's document with the text of its text attachments that are here;
// the record waits for the others (FileArrived).
func (x *Index) document(r change.Record) (map[string]any, bool) {
	doc, ok := document(r)
	if !ok {
		return nil, false
	}
	names, texts, missing := fileTexts(r, x.files)
	addFiles(doc, names, texts)
	x.await(docKey{r.Kind, r.ID}, missing)
	return doc, true
}

// updated is the record's last change time with the HLC's logical counter as
// nanoseconds, so two changes in the same millisecond still sort in HLC order.
func updated(r change.Record) string {
	return r.Updated.Time().Add(time.Duration(r.Updated.Logical())).UTC().Format(time.RFC3339Nano)
}
