package csvio

import "io"

// Table reads any CSV file row by row with the checks a ticket import gets: empty, binary
// and UTF-16 files refused, Windows-1252 converted, the delimiter guessed from the header,
// overlong lines refused. Another import (the requester directory) maps the columns itself.
type Table struct{ s *scanner }

// OpenTable reads the file's header.
func OpenTable(r io.Reader) (*Table, error) {
	s, err := newScanner(r, 0)
	if err != nil {
		return nil, err
	}
	return &Table{s: s}, nil
}

// Header returns the header's cells as written.
func (t *Table) Header() []string { return t.s.header }

// Encoding names the encoding the file was read in (EncUTF8, EncUTF8BOM, EncCP1252).
func (t *Table) Encoding() string { return t.s.encoding }

// Next returns the next non-blank row, the line it starts on (the header is line 1) and why
// it cannot be used ("" when it can); io.EOF after the last row.
func (t *Table) Next() (row []string, line int, bad string, err error) { return t.s.next() }
