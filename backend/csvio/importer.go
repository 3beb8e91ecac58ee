package csvio

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/ticket"
)

// Options say how to read a file. Zero values guess.
type Options struct {
	Delimiter string  `json:"delimiter,omitempty"` // ",", ";", "\t" or "|"; "" guesses from the header line
	Mapping   []Field `json:"mapping,omitempty"`   // one field per column; nil guesses from the header names
	DayFirst  *bool   `json:"dayFirst,omitempty"`  // 03/04/2025 is 3 April; nil guesses from the dates
	From      string  `json:"from,omitempty"`      // the file's name, as shown in messages
	// System is the help desk the file comes from: a preset's name ("glpi", "zammad", "osticket",
	// "freshservice", "jsm") reads the file as that export; "" detects the preset from the
	// header, and is "csv" when none fits; any other name maps by column names only.
	System string `json:"system,omitempty"`
}

// RowError is a problem with one row, named by its line in the file and its column.
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (e RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %q: %s", e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

// Row is one ticket as it will be imported.
type Row struct {
	Line      int              `json:"line"`
	Ticket    ticket.NewTicket `json:"ticket"`
	Status    ticket.Status    `json:"status"`
	Created   *time.Time       `json:"created,omitempty"`
	Reference string           `json:"reference,omitempty"`
	Assignee  string           `json:"assignee,omitempty"`
	Priority  int              `json:"priority,omitempty"` // the old system's priority
	Origin    ticket.Origin    `json:"origin"`
	Error     *RowError        `json:"error,omitempty"`
}

// Reading is how a file is read: its delimiter, columns and their mapping, date order,
// the help desk it comes from and its encoding.
type Reading struct {
	Delimiter string   `json:"delimiter"`
	Header    []string `json:"header"`
	Mapping   []Field  `json:"mapping"`
	DayFirst  bool     `json:"dayFirst"`
	System    string   `json:"system"`
	Preset    string   `json:"preset"`   // the preset's label ("GLPI"), "" when none
	Detected  bool     `json:"detected"` // the preset was recognised from the header
	// Clues are the header's columns that only this preset's export names: why it was detected.
	Clues []string `json:"clues,omitempty"`
	// Source is where in the old tool such an export is made.
	Source   string `json:"source,omitempty"`
	Encoding string `json:"encoding"` // "UTF-8", "UTF-8 with BOM" or "Windows-1252 (converted)"
}

// Analysis is a whole file read and mapped: its first rows as they will be saved, its
// first row errors, and counts. It holds no more than that, however long the file.
type Analysis struct {
	Reading
	preset     Preset
	Rows       []Row      `json:"-"` // the first PreviewRows rows
	Errors     []RowError `json:"-"` // the first MaxErrors row errors
	ErrorCount int        `json:"-"`
	Total      int        `json:"-"`
}

// Valid counts the rows that can be imported.
func (a *Analysis) Valid() int { return a.Total - a.ErrorCount }

// Preview is what the import screen shows before anything is written.
type Preview struct {
	Reading
	Rows       []Row      `json:"rows"`       // the first PreviewRows rows, mapped
	Errors     []RowError `json:"errors"`     // the first MaxErrors row errors
	ErrorCount int        `json:"errorCount"` // all row errors
	Total      int        `json:"total"`
	Valid      int        `json:"valid"`
}

// Preview sizes.
const (
	PreviewRows = 20
	MaxErrors   = 500
	guessRows   = 1000 // rows read before the date order is guessed
)

// Preview summarises the analysis for a person to check.
func (a *Analysis) Preview() Preview {
	return Preview{Reading: a.Reading, Rows: a.Rows, Errors: a.Errors, ErrorCount: a.ErrorCount, Total: a.Total, Valid: a.Valid()}
}

// Analyze reads a CSV file and maps every row to a ticket, keeping only the first rows
// and errors. A file that cannot be read as a table, or lacks a title column, is an
// error; problems with single rows are counted, the first ones kept with their lines.
func Analyze(r io.Reader, opts Options) (*Analysis, error) {
	var a *Analysis
	err := scan(r, opts, func(an *Analysis, row *Row) error {
		a = an
		if row == nil {
			return nil
		}
		a.Total++
		if row.Error != nil {
			a.ErrorCount++
			if len(a.Errors) < MaxErrors {
				a.Errors = append(a.Errors, *row.Error)
			}
		}
		if len(a.Rows) < PreviewRows {
			a.Rows = append(a.Rows, *row)
		}
		return nil
	})
	return a, err
}

// scan streams the file's rows, mapped, to fn; first it calls fn once with a nil row
// once the header is read. The date order is guessed from the first guessRows rows.
func scan(r io.Reader, opts Options, fn func(*Analysis, *Row) error) error {
	var delim rune
	switch opts.Delimiter {
	case "":
	case ",", ";", "\t", "|":
		delim = rune(opts.Delimiter[0])
	default:
		return field.Errorf("delimiter", "must be a comma, semicolon, tab or |")
	}
	sc, err := newScanner(r, delim)
	if err != nil {
		return err
	}
	system := strings.ToLower(strings.TrimSpace(opts.System))
	preset, known := PresetByName(system)
	detected := false
	if system == "" {
		preset, detected = DetectPreset(sc.header)
		known = detected
	}
	mapping := opts.Mapping
	if mapping == nil {
		mapping = GuessMapping(sc.header)
		if known {
			mapping = presetMapping(preset, sc.header)
		}
	}
	if err := checkMapping(sc, mapping); err != nil {
		return err
	}
	a := &Analysis{Reading: Reading{Delimiter: string(sc.delim), Header: sc.header, Mapping: mapping, System: cmp.Or(system, preset.Name, "csv"),
		Preset: preset.Label, Detected: detected, Clues: clues(preset, sc.header), Source: preset.Source, Encoding: sc.encoding}, preset: preset}
	type raw struct {
		rec  []string
		line int
		bad  string
	}
	var first []raw
	for len(first) < guessRows {
		rec, line, bad, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		first = append(first, raw{rec, line, bad})
	}
	if opts.DayFirst != nil {
		a.DayFirst = *opts.DayFirst
	} else {
		var dates []string
		for i, f := range mapping {
			if isDate(f) {
				for _, r := range first {
					if i < len(r.rec) {
						dates = append(dates, r.rec[i])
					}
				}
			}
		}
		a.DayFirst = guessDayFirst(dates)
	}
	if err := fn(a, nil); err != nil {
		return err
	}
	emit := func(rec []string, line int, bad string) error {
		row := Row{Line: line, Status: ticket.StatusNew}
		if bad != "" {
			row.Error = &RowError{Line: line, Message: "this row " + bad}
		} else {
			row.Error = a.mapRow(rec, &row)
		}
		return fn(a, &row)
	}
	for _, r := range first {
		if err := emit(r.rec, r.line, r.bad); err != nil {
			return err
		}
	}
	first = nil
	return a.mapRest(sc, func(row *Row) error { return fn(a, row) })
}

// chunkRows is how many rows one goroutine maps at a time; chunksAhead bounds the
// chunks read and mapped ahead of fn.
const (
	chunkRows   = 256
	chunksAhead = 4
)

// mapRest reads the rest of the file and maps its rows, several chunks at once on their
// own goroutines (reading a row and mapping it were one core's work), and hands them to
// fn in file order.
func (a *Analysis) mapRest(sc *scanner, fn func(*Row) error) error {
	type chunk struct {
		rows []Row
		done chan struct{}
	}
	chunks := make(chan *chunk, chunksAhead)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(chunks)
		for eof := false; !eof; {
			c := &chunk{done: make(chan struct{})}
			var recs [][]string
			for len(c.rows) < chunkRows {
				rec, line, bad, err := sc.next()
				if err == io.EOF {
					eof = true
					break
				}
				if err != nil {
					readErr, eof = err, true
					break
				}
				row := Row{Line: line, Status: ticket.StatusNew}
				if bad != "" {
					row.Error = &RowError{Line: line, Message: "this row " + bad}
				}
				c.rows, recs = append(c.rows, row), append(recs, rec)
			}
			go func() {
				defer close(c.done)
				for i := range c.rows {
					if c.rows[i].Error == nil {
						c.rows[i].Error = a.mapRow(recs[i], &c.rows[i])
					}
				}
			}()
			select {
			case chunks <- c:
			case <-stop:
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for c := range chunks { // let the reader see the stop
			<-c.done
		}
	}()
	for c := range chunks {
		<-c.done
		for i := range c.rows {
			if err := fn(&c.rows[i]); err != nil {
				return err
			}
		}
	}
	return readErr
}

func isDate(f Field) bool {
	return f == Created || f == FirstReply || f == Resolved || f == Closed || f == Updated
}

func checkMapping(t *scanner, mapping []Field) error {
	if len(mapping) != len(t.header) {
		return field.Errorf("mapping", "names %d columns; the file has %d", len(mapping), len(t.header))
	}
	seen := map[Field]bool{}
	for i, f := range mapping {
		if f == Ignore {
			continue
		}
		if !slices.Contains(mappable, f) {
			return field.Errorf("mapping", "column %q: unknown field %q", t.header[i], f)
		}
		if seen[f] && !repeatable(f) {
			return field.Errorf("mapping", "two columns are mapped to %s", f)
		}
		seen[f] = true
	}
	if !seen[Title] {
		msg := "no column is mapped to the title (looked for a column named Title, Subject or Summary)"
		if len(t.header) == 1 {
			for _, d := range []string{";", "\t", ",", "|"} {
				if d != string(t.delim) && strings.Contains(t.header[0], d) {
					msg = fmt.Sprintf("found only one column: the file seems to use %s between columns, not %s",
						delimName(d), delimName(string(t.delim)))
					break
				}
			}
		}
		return fmt.Errorf("%w: %s", ErrDelimiterOrTitle, msg)
	}
	return nil
}

// ErrDelimiterOrTitle reports a file whose columns do not include a title.
var ErrDelimiterOrTitle = errors.New("missing required column")

func delimName(d string) string {
	switch d {
	case ",":
		return "commas"
	case ";":
		return "semicolons"
	case "\t":
		return "tabs"
	}
	return "'" + d + "'"
}
