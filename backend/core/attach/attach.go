// Package attach keeps files on records (tickets, visits, SOPs): each attachment is an
// append-only item of the record naming a blob by its hash, with file name, size, media
// type, who and when; removing one adds its item ID to a set. The bytes live in the blob
// store beside the change log, so the log carries only this metadata.
package attach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
)

// Fields of a record that hold its attachments.
const (
	FieldItems   = "attachments"
	FieldRemoved = "attachments-removed" // add-wins set of removed item IDs
)

// MaxName bounds a file name.
const MaxName = 200

// MaxPerRecord bounds the attachments one record carries.
const MaxPerRecord = 500

// kinds are the records that take attachments (coaching notes are sealed and keep theirs inside).
var kinds = []string{"ticket", "visit", "sop"}

// sealedKinds are the records whose items name only the ciphertext of sealed files (see
// SealedItem): the files' names, types and keys are inside the records' sealed content.
var sealedKinds = []string{"coaching"}

// SealedName is the file name the change log shows for a sealed file's ciphertext.
const SealedName = "sealed"

// SealedItem is the op that names the ciphertext of a sealed file, held in blobs, on a
// record of a sealed kind, so that every device fetches and keeps the ciphertext while only
// the record's readers learn what it is. The caller writes it with the sealed content.
func SealedItem(blobs *blob.Store, h blob.Hash) (change.Op, error) {
	man, err := blobs.Manifest(h)
	if err != nil {
		return change.Op{}, err
	}
	return change.Append(FieldItems, Meta{Hash: h, Name: SealedName, Size: man.Size, Type: "application/octet-stream", Pieces: man.ListHash()})
}

// FieldFiles holds, on records that several devices write alike (a mail taken in by two
// mail handlers), the record's whole file list as one register: equal writes of it merge
// into one, where appended items would be two.
const FieldFiles = "files"

// fileKinds are the records that keep their files in FieldFiles.
var fileKinds = []string{"mail"}

// Kinds lists the record kinds that take attachments; the slice is the caller's own.
func Kinds() []string { return slices.Clone(kinds) }

// ErrNotFound reports an attachment, or a record, that does not exist.
var ErrNotFound = errors.New("no such attachment")

// Meta is what the change log says of a file.
type Meta struct {
	Hash blob.Hash `json:"hash"`
	Name string    `json:"name"`
	Size int64     `json:"size"`
	Type string    `json:"type"` // sniffed from the bytes, never trusted from the name
	// Pieces is the hash of the blob's manifest (blob.Manifest.ListHash): a device fetching
	// the bytes from peers verifies each piece against it as it arrives.
	Pieces blob.Hash `json:"pieces"`
}

// Attachment is one file of a record as the UI shows it.
type Attachment struct {
	Meta
	ID   string    `json:"id"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Here bool      `json:"here"` // the bytes are on this device (verified); false while they travel
}

// SafeName turns a file name from a browser, a mail or a peer into one fit to show and to
// save: the last path element only, control and reserved characters replaced, at most
// MaxName characters; "" becomes "file".
func SafeName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if utf8.RuneCountInString(name) > MaxName {
		name = string([]rune(name)[:MaxName])
	}
	if name == "" {
		return "file"
	}
	return name
}

// Add records the attachment m on record kind/id in one change of the log. The blob must
// already be stored (the bytes first, then the metadata that names them).
func Add(ctx context.Context, st *store.Store, blobs *blob.Store, author, kind, id string, m Meta) (Attachment, error) {
	if !slices.Contains(kinds, kind) {
		return Attachment{}, field.Errorf("kind", "attachments go on tickets, visits and SOPs, not %q", kind)
	}
	if !blobs.Has(m.Hash) {
		return Attachment{}, field.Errorf("file", "the file was not received whole; upload it again")
	}
	man, err := blobs.Manifest(m.Hash)
	if err != nil {
		return Attachment{}, err
	}
	if man.Size > blobs.MaxSize() {
		return Attachment{}, field.Errorf("file", "is larger than the team's limit of %d MB", blobs.MaxSize()>>20)
	}
	m.Size, m.Pieces = man.Size, man.ListHash()
	if m.Type, err = sniff(blobs, m.Hash); err != nil {
		return Attachment{}, err
	}
	m.Name = SafeName(m.Name)
	var out Attachment
	_, err = st.Update(ctx, author, func(tx *store.Tx) error {
		rec, err := tx.Get(kind, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && rec.Deleted() {
			return fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
		}
		if err != nil {
			return err
		}
		if len(rec.Items[FieldItems]) >= MaxPerRecord {
			return field.Errorf("file", "this %s already has %d attachments, the most one record carries", kind, MaxPerRecord)
		}
		op, err := change.Append(FieldItems, m)
		if err != nil {
			return err
		}
		rec, err = tx.Write(kind, id, []change.Op{op})
		if err != nil {
			return err
		}
		items := rec.Items[FieldItems]
		it := items[len(items)-1]
		out = Attachment{Meta: m, ID: it.ID, By: it.By, At: it.At.Time(), Here: true}
		return nil
	})
	return out, err
}

// Remove marks attachment itemID of record kind/id removed. Its bytes stay until no live
// record names them (see Live and blob.Store.Collect).
func Remove(ctx context.Context, st *store.Store, author, kind, id, itemID string) error {
	_, err := st.Update(ctx, author, func(tx *store.Tx) error {
		rec, err := tx.Get(kind, id)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
		}
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(rec.Items[FieldItems], func(it change.Item) bool { return it.ID == itemID }) {
			return fmt.Errorf("%w: %s", ErrNotFound, itemID)
		}
		if slices.Contains(rec.Members(FieldRemoved), itemID) {
			return nil
		}
		_, err = tx.Write(kind, id, []change.Op{{Op: change.OpAdd, Field: FieldRemoved, Elem: itemID}})
		return err
	})
	return err
}

// List returns the attachments of rec that are not removed, oldest first; a malformed
// item (from a peer running other code) is left out. blobs nil reports none as here.
func List(rec change.Record, blobs *blob.Store) []Attachment {
	removed := rec.Members(FieldRemoved)
	out := []Attachment{}
	for _, it := range rec.Items[FieldItems] {
		m, ok := decode(it)
		if !ok || slices.Contains(removed, it.ID) {
			continue
		}
		out = append(out, Attachment{Meta: m, ID: it.ID, By: it.By, At: it.At.Time(), Here: blobs != nil && blobs.Has(m.Hash)})
	}
	return out
}

// Count is how many attachments of rec are not removed (the paperclip in the queue).
func Count(rec change.Record) int {
	items := rec.Items[FieldItems]
	if len(items) == 0 {
		return 0
	}
	removed := rec.Members(FieldRemoved)
	n := 0
	for _, it := range items {
		if !slices.Contains(removed, it.ID) {
			n++
		}
	}
	return n
}

// Live returns the hashes every live record of the replica names, for blob collection:
// a blob of a removed attachment, or of a deleted record, is not live.
func Live(st *store.Store) (map[blob.Hash]bool, error) {
	live := map[blob.Hash]bool{}
	err := ScanLive(st, func(m Meta) { live[m.Hash] = true })
	return live, err
}

// Describe returns the metadata of held blob h under file name: its size, pieces and
// sniffed media type, as Add would record them.
func Describe(blobs *blob.Store, h blob.Hash, name string) (Meta, error) {
	man, err := blobs.Manifest(h)
	if err != nil {
		return Meta{}, err
	}
	m := Meta{Hash: h, Name: SafeName(name), Size: man.Size, Pieces: man.ListHash()}
	if m.Type, err = sniff(blobs, h); err != nil {
		return Meta{}, err
	}
	return m, nil
}

// Files returns the files a record keeps in FieldFiles, leaving out malformed entries.
func Files(rec change.Record) []Meta {
	var raw []json.RawMessage
	if ok, err := rec.Get(FieldFiles, &raw); !ok || err != nil {
		return []Meta{}
	}
	out := []Meta{}
	for _, v := range raw {
		if m, ok := decode(change.Item{Value: v}); ok {
			out = append(out, m)
		}
	}
	return out
}

// ScanLive calls fn with every attachment of the replica's live records, removed ones and
// those of deleted records left out.
func ScanLive(st *store.Store, fn func(Meta)) error {
	for _, kind := range fileKinds {
		err := st.Scan(kind, func(rec change.Record) error {
			if !rec.Deleted() {
				for _, m := range Files(rec) {
					fn(m)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("find live files: %w", err)
		}
	}
	for _, kind := range slices.Concat(kinds, sealedKinds) {
		err := st.Scan(kind, func(rec change.Record) error {
			if rec.Deleted() {
				return nil
			}
			removed := rec.Members(FieldRemoved)
			for _, it := range rec.Items[FieldItems] {
				if m, ok := decode(it); ok && !slices.Contains(removed, it.ID) {
					fn(m)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("find live attachments: %w", err)
		}
	}
	return nil
}

// decode reads an attachment item, refusing one whose hash or size is not plausible.
func decode(it change.Item) (Meta, bool) {
	var m Meta
	if err := json.Unmarshal(it.Value, &m); err != nil {
		return Meta{}, false
	}
	if _, err := blob.ParseHash(string(m.Hash)); err != nil || m.Size < 0 {
		return Meta{}, false
	}
	if _, err := blob.ParseHash(string(m.Pieces)); err != nil {
		return Meta{}, false
	}
	m.Type = strings.ToValidUTF8(m.Type, "")
	if len(m.Type) > 100 {
		m.Type = "application/octet-stream"
	}
	m.Name = SafeName(m.Name)
	return m, true
}

// sniff names the media type of a held blob from its first bytes (net/http's sniffing
// algorithm), never from its name: an SVG or HTML file is text, and is never rendered.
func sniff(blobs *blob.Store, h blob.Hash) (string, error) {
	f, err := blobs.Open(h)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("read file: %w", err)
	}
	return http.DetectContentType(head[:n]), nil
}
