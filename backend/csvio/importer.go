package csvio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"outpost/backend/field"
	"outpost/backend/store"
	"outpost/backend/ticket"
)

// Options say how to read a file. Zero values guess.
type Options struct {
	Delimiter string  `json:"delimiter,omitempty"` // ",", ";", "\t" or "|"; "" guesses from the header line
	Mapping   []Field `json:"mapping,omitempty"`   // one field per column; nil guesses from the header names
	DayFirst  *bool   `json:"dayFirst,omitempty"`  // 03/04/2025 is 3 April; nil guesses from the dates
	From      string  `json:"from,omitempty"`      // where the tickets come from, noted on each ticket (e.g. the file name)
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
	Error     *RowError        `json:"error,omitempty"`
}

// Analysis is a whole file read and mapped: every row with its ticket or its error.
type Analysis struct {
	Delimiter string     `json:"delimiter"`
	Header    []string   `json:"header"`
	Mapping   []Field    `json:"mapping"`
	DayFirst  bool       `json:"dayFirst"`
	Rows      []Row      `json:"-"`
	Errors    []RowError `json:"-"`
	from      string
}

// Valid counts the rows that can be imported.
func (a *Analysis) Valid() int { return len(a.Rows) - len(a.Errors) }

// Preview is what the import screen shows before anything is written.
type Preview struct {
	Delimiter  string     `json:"delimiter"`
	Header     []string   `json:"header"`
	Mapping    []Field    `json:"mapping"`
	DayFirst   bool       `json:"dayFirst"`
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
)

// Preview summarises the analysis for a person to check.
func (a *Analysis) Preview() Preview {
	return Preview{
		Delimiter: a.Delimiter, Header: a.Header, Mapping: a.Mapping, DayFirst: a.DayFirst,
		Rows:   a.Rows[:min(PreviewRows, len(a.Rows))],
		Errors: a.Errors[:min(MaxErrors, len(a.Errors))], ErrorCount: len(a.Errors),
		Total: len(a.Rows), Valid: a.Valid(),
	}
}

// Analyze reads a CSV file and maps every row to a ticket. A file that cannot be read
// as a table, or lacks a title column, is an error; problems with single rows are
// collected in Errors with their line numbers.
func Analyze(r io.Reader, opts Options) (*Analysis, error) {
	var delim rune
	switch opts.Delimiter {
	case "":
	case ",", ";", "\t", "|":
		delim = rune(opts.Delimiter[0])
	default:
		return nil, field.Errorf("delimiter", "must be a comma, semicolon, tab or |")
	}
	t, err := readTable(r, delim)
	if err != nil {
		return nil, err
	}
	mapping := opts.Mapping
	if mapping == nil {
		mapping = GuessMapping(t.header)
	}
	if err := checkMapping(t, mapping); err != nil {
		return nil, err
	}
	a := &Analysis{Delimiter: string(t.delim), Header: t.header, Mapping: mapping, from: strings.TrimSpace(opts.From)}
	if opts.DayFirst != nil {
		a.DayFirst = *opts.DayFirst
	} else if i := slices.Index(mapping, Created); i >= 0 {
		var dates []string
		for _, row := range t.rows {
			if i < len(row) {
				dates = append(dates, row[i])
			}
		}
		a.DayFirst = guessDayFirst(dates)
	}
	for i, rec := range t.rows {
		row := Row{Line: t.lines[i], Status: ticket.StatusNew}
		if why, bad := t.bad[i]; bad {
			row.Error = &RowError{Line: row.Line, Message: "this row " + why}
		} else {
			row.Error = a.mapRow(rec, &row)
		}
		if row.Error != nil {
			a.Errors = append(a.Errors, *row.Error)
		}
		a.Rows = append(a.Rows, row)
	}
	return a, nil
}

func checkMapping(t *table, mapping []Field) error {
	if len(mapping) != len(t.header) {
		return field.Errorf("mapping", "names %d columns; the file has %d", len(mapping), len(t.header))
	}
	seen := map[Field]bool{}
	for i, f := range mapping {
		if f == Ignore {
			continue
		}
		if !slices.Contains(Fields, f) {
			return field.Errorf("mapping", "column %q: unknown field %q", t.header[i], f)
		}
		if seen[f] {
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

// mapRow fills row from rec by the mapping, returning the first problem.
func (a *Analysis) mapRow(rec []string, row *Row) *RowError {
	in := &row.Ticket
	prio := 0
	fail := func(col int, err error) *RowError {
		return &RowError{Line: row.Line, Column: a.Header[col], Message: err.Error()}
	}
	for i, f := range a.Mapping {
		v := strings.TrimSpace(rec[i])
		if v == "" || f == Ignore {
			continue
		}
		var err error
		switch f {
		case Title:
			in.Title = oneLine(v)
		case Description:
			in.Description = rec[i]
		case Priority:
			prio, err = parsePriority(v)
		case Impact:
			in.Impact, err = parseLevel(v)
		case Urgency:
			in.Urgency, err = parseLevel(v)
		case Status:
			row.Status, err = parseStatus(v)
		case Category:
			in.Category = strings.ToLower(oneLine(v))
		case Requester:
			in.Requester.Name = oneLine(v)
		case Contact:
			in.Requester.Contact = oneLine(v)
		case Site:
			in.Requester.Site = oneLine(v)
		case Created:
			var t time.Time
			t, err = parseDate(v, a.DayFirst)
			row.Created = &t
		case Tags:
			in.Tags = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' })
		case SourceField:
			in.Source, err = parseSource(v)
		case Reference:
			row.Reference = v
		case Assignee:
			row.Assignee = v
		}
		if err != nil {
			return fail(i, err)
		}
	}
	if prio > 0 && in.Impact == "" && in.Urgency == "" {
		l := priorityLevels[prio]
		in.Impact, in.Urgency = l[0], l[1]
	}
	in.Description = strings.TrimSpace(in.Description + "\n\n" + a.footer(row))
	in.Normalize()
	if err := in.Validate(); err != nil {
		if fe, ok := field.As(err); ok {
			col := a.columnOf(fe.Field)
			return &RowError{Line: row.Line, Column: col, Message: fe.Problem}
		}
		return &RowError{Line: row.Line, Message: err.Error()}
	}
	return nil
}

// oneLine joins a value that spans lines (a title exported with a line break) into one line.
func oneLine(v string) string { return strings.Join(strings.Fields(v), " ") }

// footer notes where an imported ticket came from and what the old system said about it.
func (a *Analysis) footer(row *Row) string {
	var parts []string
	if row.Reference != "" {
		parts = append(parts, "#"+row.Reference)
	}
	if row.Created != nil {
		parts = append(parts, "created "+row.Created.Format("2006-01-02 15:04"))
	}
	if row.Assignee != "" {
		parts = append(parts, "assigned to "+row.Assignee)
	}
	if len(parts) == 0 && a.from == "" {
		return ""
	}
	from := "Imported"
	if a.from != "" {
		from = "Imported from " + a.from
	}
	if len(parts) == 0 {
		return from + "."
	}
	return from + ": " + strings.Join(parts, ", ") + "."
}

// columnOf names the column a ticket field came from.
func (a *Analysis) columnOf(name string) string {
	want := map[string]Field{"title": Title, "description": Description, "category": Category, "impact": Impact,
		"urgency": Urgency, "source": SourceField, "tags": Tags, "requester.name": Requester,
		"requester.contact": Contact, "requester.site": Site}[name]
	if i := slices.Index(a.Mapping, want); i >= 0 && want != Ignore {
		return a.Header[i]
	}
	return ""
}

// Result says what an import wrote.
type Result struct {
	Imported int `json:"imported"`
	Skipped  int `json:"skipped"` // rows with errors, left out because the person accepted the valid rows
}

// ErrRowsInvalid reports an import refused because some rows have errors and the
// person has not accepted importing only the valid ones.
var ErrRowsInvalid = errors.New("some rows have errors; nothing was imported")

// maxPerCommit is how many tickets one transaction takes; Badger bounds a transaction's size.
const maxPerCommit = 1000

// Import writes the analysed rows as tickets: each row's ticket is created and moved to
// its status, all in one store transaction (a file of more than maxPerCommit tickets
// commits in several, after every row has been checked). With errors in any row
// nothing is written unless acceptValid is set; then the valid rows are imported.
func Import(ctx context.Context, st *store.Store, svc *ticket.Service, author string, a *Analysis, acceptValid bool) (Result, error) {
	if len(a.Errors) > 0 && !acceptValid {
		return Result{}, fmt.Errorf("%w (%d of %d rows; first: %s)", ErrRowsInvalid, len(a.Errors), len(a.Rows), a.Errors[0])
	}
	var rows []Row
	for _, r := range a.Rows {
		if r.Error == nil {
			rows = append(rows, r)
		}
	}
	res := Result{Skipped: len(a.Rows) - len(rows)}
	for len(rows) > 0 {
		part := rows[:min(maxPerCommit, len(rows))]
		_, err := st.Update(ctx, author, func(tx *store.Tx) error {
			in := svc.Within(tx)
			news := make([]ticket.NewTicket, len(part))
			for i := range part {
				news[i] = part[i].Ticket
			}
			ts, err := in.CreateBatch(ctx, author, news)
			if err != nil {
				return err
			}
			for i, t := range ts {
				for _, s := range statusPath(part[i].Status) {
					if _, err := in.Transition(ctx, author, t.ID, s, ""); err != nil {
						return fmt.Errorf("line %d: %w", part[i].Line, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("import tickets: %w", err)
		}
		res.Imported += len(part)
		rows = rows[len(part):]
	}
	return res, nil
}

// statusPath is the lifecycle moves from New to s.
func statusPath(s ticket.Status) []ticket.Status {
	switch s {
	case ticket.StatusNew, "":
		return nil
	case ticket.StatusClosed:
		return []ticket.Status{ticket.StatusResolved, ticket.StatusClosed}
	case ticket.StatusReopened:
		return []ticket.Status{ticket.StatusResolved, ticket.StatusReopened}
	}
	return []ticket.Status{s}
}
