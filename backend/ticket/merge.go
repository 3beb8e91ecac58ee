package ticket

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// Fields a merge writes.
const (
	// fMergedInto, on the source, names the ticket it was merged into.
	fMergedInto = "mergedInto"
	// fMergedFrom, on the target, is the set of tickets merged into it.
	fMergedFrom = "mergedFrom"
	// fRequesters, on the target, holds the requesters of merged tickets (append-only).
	fRequesters = "requesters"
)

// maxMergeHops bounds how far an edit follows a chain of merges (A into B, B into C).
const maxMergeHops = 16

// Moved marks an item copied from a merged ticket: on which ticket it was written, its
// ID there, and who wrote it when (the copy is written by whoever merged, later).
type Moved struct {
	MergedFrom string     `json:"mergedFrom,omitempty"` // number of the ticket it came from
	SourceItem string     `json:"sourceItem,omitempty"`
	OrigBy     string     `json:"origBy,omitempty"`
	OrigAt     *time.Time `json:"origAt,omitempty"`
}

// restore gives a moved item its original author and time.
func (m *Moved) restore(by *string, at *time.Time) {
	if m.OrigBy != "" {
		*by = m.OrigBy
	}
	if m.OrigAt != nil {
		*at = *m.OrigAt
	}
	m.OrigBy, m.OrigAt = "", nil
}

// Merge merges ticket source into target: source's comments, work logs, requester and
// links move to target (each keeps its author and time and says where it came from),
// source closes as "merged into" target, and both keep their histories. Edits that
// arrive for source later follow it to target (see edit and Get).
// Both writes are one transaction: a merge is done entirely or not at all.
func (s *Service) Merge(ctx context.Context, author, source, target string) (Ticket, error) {
	if source == target {
		return Ticket{}, field.Errorf("target", "a ticket cannot be merged into itself")
	}
	var out change.Record
	err := s.update(ctx, author, func(tx *store.Tx) error {
		src, err := record.Live(tx, Kind, source, ErrNotFound)
		if err != nil {
			return err
		}
		dst, err := record.Live(tx, Kind, target, ErrNotFound)
		if err != nil {
			return field.Errorf("target", "no ticket %q", target)
		}
		st, dt := FromRecord(src), FromRecord(dst)
		if st.MergedInto != "" {
			return field.Errorf("source", "%s was already merged into another ticket", st.Number)
		}
		if dt.MergedInto != "" {
			return field.Errorf("target", "%s was itself merged into another ticket; merge into that one", dt.Number)
		}
		if !dt.Status.Open() {
			return field.Errorf("target", "%s is %s; reopen it before merging into it", dt.Number, dt.Status)
		}
		// Target: everything that moves.
		var to change.Ops
		to.Add(fMergedFrom, source)
		for _, c := range st.Comments {
			at := c.At
			to.Append(fComments, Comment{Body: c.Body, Internal: c.Internal,
				Moved: Moved{MergedFrom: cmp.Or(c.MergedFrom, st.Number), SourceItem: c.ID, OrigBy: c.Author, OrigAt: &at}})
		}
		for _, w := range st.WorkLogs {
			at := w.At
			to.Append(fWorkLogs, WorkLog{Minutes: w.Minutes, Note: w.Note,
				Moved: Moved{MergedFrom: cmp.Or(w.MergedFrom, st.Number), SourceItem: w.ID, OrigBy: w.Author, OrigAt: &at}})
		}
		for _, rq := range append([]Requester{st.Requester}, st.OtherRequesters...) {
			if rq != (Requester{}) && rq != dt.Requester && !slices.Contains(dt.OtherRequesters, rq) {
				to.Append(fRequesters, rq)
			}
		}
		for _, l := range st.Links {
			if l.Target != target && l.Target != source {
				to.Add(fLinks, string(l.Type)+":"+l.Target)
			}
		}
		// Attachments: when tickets carry attachments, their metadata (the blob's hash)
		// moves here the same way; the blob itself stays where it is, content-addressed.
		to.Append(fComments, Comment{Body: fmt.Sprintf("Merged %s (%s) into this ticket.", st.Number, st.Title), Internal: true})
		tops, err := to.List()
		if err != nil {
			return err
		}
		if out, err = tx.Write(Kind, target, tops); err != nil {
			return err
		}
		// Source: closed as merged into target.
		var so change.Ops
		so.Put(src, fMergedInto, target)
		so.Add(fLinks, string(LinkDuplicateOf)+":"+target)
		if st.Status != StatusClosed {
			so.Put(src, fStatus, StatusClosed)
		}
		so.Append(fComments, Comment{Body: fmt.Sprintf("Merged into %s (%s).", dt.Number, dt.Title), Internal: true})
		sops, err := so.List()
		if err != nil {
			return err
		}
		events, err := timelineOps(src, st, author, sops)
		if err != nil {
			return err
		}
		_, err = tx.Write(Kind, source, append(sops, events...))
		return err
	})
	if err != nil {
		return Ticket{}, fmt.Errorf("merge ticket: %w", err)
	}
	return s.withMerged(FromRecord(out))
}

// mergedTarget follows r's merges to the ticket that holds its work now ("" when r was not merged).
func mergedTarget(g record.Getter, r change.Record) (string, error) {
	id := ""
	for range maxMergeHops {
		next := r.String(fMergedInto)
		if next == "" {
			return id, nil
		}
		id = next
		var err error
		if r, err = record.Live(g, Kind, id, ErrNotFound); err != nil {
			return "", err
		}
	}
	return id, nil
}

// withMerged adds to t what arrived for the tickets merged into it after the merge (a
// comment or work log written on a device that had not seen the merge yet): they follow
// the merge on every replica alike, read from the sources, never copied by a replica.
func (s *Service) withMerged(t Ticket) (Ticket, error) {
	if len(t.MergedFrom) == 0 {
		return t, nil
	}
	have := map[string]bool{}
	for _, c := range t.Comments {
		have[c.SourceItem] = true
	}
	for _, w := range t.WorkLogs {
		have[w.SourceItem] = true
	}
	for _, id := range t.MergedFrom {
		rec, err := s.st.Get(Kind, id)
		if err != nil {
			continue
		}
		src := FromRecord(rec)
		src, err = s.withMerged(src)
		if err != nil {
			return t, err
		}
		for _, c := range src.Comments {
			if !have[c.ID] && !isMergeNote(c) {
				c.MergedFrom = cmp.Or(c.MergedFrom, src.Number)
				t.Comments = append(t.Comments, c)
			}
		}
		for _, w := range src.WorkLogs {
			if !have[w.ID] {
				w.MergedFrom = cmp.Or(w.MergedFrom, src.Number)
				t.WorkLogs = append(t.WorkLogs, w)
			}
		}
	}
	slices.SortStableFunc(t.Comments, func(a, b Comment) int { return a.At.Compare(b.At) })
	slices.SortStableFunc(t.WorkLogs, func(a, b WorkLog) int { return a.At.Compare(b.At) })
	return t, nil
}

// isMergeNote reports the note a merge leaves on its source (it is not moved: the target has its own).
func isMergeNote(c Comment) bool {
	return c.Internal && strings.HasPrefix(c.Body, "Merged into ")
}

// readMerge fills the merge fields of t from r and puts moved items in time order.
func readMerge(r change.Record, t *Ticket) {
	t.MergedInto = r.String(fMergedInto)
	t.MergedFrom = nonNil(r.Members(fMergedFrom))
	t.OtherRequesters = []Requester{}
	for _, it := range r.Items[fRequesters] {
		var rq Requester
		if json.Unmarshal(it.Value, &rq) == nil {
			t.OtherRequesters = append(t.OtherRequesters, rq)
		}
	}
	if len(t.MergedFrom) > 0 {
		slices.SortStableFunc(t.Comments, func(a, b Comment) int { return a.At.Compare(b.At) })
		slices.SortStableFunc(t.WorkLogs, func(a, b WorkLog) int { return a.At.Compare(b.At) })
	}
}
