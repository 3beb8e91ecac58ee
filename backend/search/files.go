package search

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2/search"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
)

// MaxTextFile is the largest text attachment whose words are indexed.
const MaxTextFile = 1 << 20

// textExtensions are the attachments read as text: logs, notes, tables, markdown.
var textExtensions = map[string]bool{".txt": true, ".log": true, ".csv": true, ".md": true}

// Files are the attachments' bytes, for the text of text attachments (derived like the rest
// of the index, never kept as truth).
type Files interface {
	Has(h blob.Hash) bool
	Open(h blob.Hash) (*os.File, error)
}

// searchable reports whether an attachment is read for the index: a text file by its name
// and by its sniffed type (so a binary named .log is not), small enough.
func searchable(m attach.Meta) bool {
	return textExtensions[strings.ToLower(filepath.Ext(m.Name))] && m.Size <= MaxTextFile &&
		(m.Type == "" || strings.HasPrefix(m.Type, "text/"))
}

// fileTexts reads the text attachments of a ticket or SOP that are on this device; the
// hashes of those still travelling from a peer come back in missing, so the record is
// indexed again when they arrive.
func fileTexts(r change.Record, files Files) (names, texts []string, missing []blob.Hash) {
	if files == nil {
		return nil, nil, nil
	}
	for _, a := range attach.List(r, nil) {
		if !searchable(a.Meta) {
			continue
		}
		if !files.Has(a.Hash) {
			missing = append(missing, a.Hash)
			continue
		}
		text, ok := readText(files, a.Hash)
		if ok {
			names, texts = append(names, a.Name), append(texts, text)
		}
	}
	return names, texts, missing
}

// readText reads up to MaxTextFile bytes of a blob as text; bytes that are not UTF-8
// become spaces.
func readText(files Files, h blob.Hash) (string, bool) {
	f, err := files.Open(h)
	if err != nil {
		return "", false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxTextFile))
	if err != nil {
		return "", false
	}
	return strings.ToValidUTF8(string(b), " "), true
}

// addFiles puts the text of a record's text attachments into its document.
func addFiles(doc map[string]any, names, texts []string) {
	if len(texts) == 0 {
		return
	}
	doc[fFiles], doc[fNames] = texts, names
	doc[fText] = doc[fText].(string) + "\n" + strings.Join(texts, "\n")
}

// FileArrived tells the index that a blob is now on this device: the records whose text
// attachment it is are indexed again. Safe to call from any goroutine; it never blocks.
func (x *Index) FileArrived(h blob.Hash) {
	x.mu.Lock()
	keys := x.awaiting[h]
	delete(x.awaiting, h)
	for _, k := range keys {
		x.pending[k] = struct{}{}
	}
	if len(keys) > 0 {
		x.received++ // Flush waits for it like for a commit
	}
	x.mu.Unlock()
	if len(keys) > 0 {
		x.wakeUp()
	}
}

// await notes that a record's document lacks the text of blobs still travelling.
func (x *Index) await(k docKey, missing []blob.Hash) {
	if len(missing) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, h := range missing {
		if len(x.awaiting) < maxAwaiting {
			x.awaiting[h] = append(x.awaiting[h], k)
		}
	}
}

// maxAwaiting bounds the text attachments waited for; past it a file's text is indexed at
// the record's next change or the next rebuild.
const maxAwaiting = 10_000

// fileOf names the attachment a hit's file fragment comes from, by the array position of
// the first match in the files field.
func fileOf(locations search.FieldTermLocationMap, names []string) string {
	for _, locs := range locations[fFiles] {
		for _, l := range locs {
			if len(l.ArrayPositions) > 0 && int(l.ArrayPositions[0]) < len(names) {
				return names[l.ArrayPositions[0]]
			}
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return ""
}

// storedStrings reads a stored text field: one value comes back as a string, several as a list.
func storedStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, s := range v {
			str, _ := s.(string)
			out = append(out, str)
		}
		return out
	}
	return nil
}
