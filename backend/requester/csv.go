package requester

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/csvio"
)

// ImportResult is what an import of the directory did, and the rows it could not use.
type ImportResult struct {
	Rows      int        `json:"rows"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Encoding  string     `json:"encoding"`
	Errors    []RowError `json:"errors"`
}

// RowError is a row that was not imported, in words fit to show a person.
type RowError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// columns are the names each field's column may have in a header, compared without case,
// spaces, dashes or underscores.
var columns = map[string][]string{
	"name":       {"name", "fullname", "requester", "person", "displayname"},
	"email":      {"email", "emails", "mail", "emailaddress", "emailaddresses", "address", "addresses"},
	"phone":      {"phone", "telephone", "tel", "mobile", "phonenumber"},
	"site":       {"site", "location", "office"},
	"department": {"department", "dept", "team", "division"},
	"vip":        {"vip"},
	"notes":      {"notes", "note", "comment", "comments"},
}

// rowsPerAction is how many rows one transaction writes.
const rowsPerAction = 500

// ImportCSV reads a directory file (columns name, email, phone, site, department, vip, notes,
// in any order and case; several addresses in one cell separated by ";" or ",") and writes
// every valid row. A row with an address updates the requester holding its first address, or
// creates the one that address derives (IDFor); a row without one, the requester its name and
// phone derive. Importing a file again writes nothing new. Rows that cannot be used are listed
// with their line, and the others are imported.
func (s *Service) ImportCSV(ctx context.Context, author string, r io.Reader) (ImportResult, error) {
	t, err := csvio.OpenTable(r)
	if err != nil {
		return ImportResult{}, err
	}
	cols, err := mapHeader(t.Header())
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Encoding: t.Encoding(), Errors: []RowError{}}
	type row struct {
		line int
		in   Input
	}
	var batch []row
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
			for _, b := range batch {
				if msg, err := s.importRow(tx, b.in, &res); err != nil {
					return err
				} else if msg != "" {
					res.Errors = append(res.Errors, RowError{Line: b.line, Message: msg})
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	for {
		rec, line, bad, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		res.Rows++
		in, msg := readRow(cols, rec)
		if bad != "" {
			msg = "the row " + bad
		}
		if msg != "" {
			res.Errors = append(res.Errors, RowError{Line: line, Message: msg})
			continue
		}
		if batch = append(batch, row{line, in}); len(batch) == rowsPerAction {
			if err := flush(); err != nil {
				return res, fmt.Errorf("import requesters: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return res, fmt.Errorf("import requesters: %w", err)
	}
	slices.SortFunc(res.Errors, func(a, b RowError) int { return a.Line - b.Line })
	return res, nil
}

// mapHeader finds each field's column; name or email must be among them.
func mapHeader(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		key := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' || r == '.' {
				return -1
			}
			return r
		}, strings.ToLower(strings.TrimSpace(h)))
		for f, names := range columns {
			if _, taken := cols[f]; !taken && slices.Contains(names, key) {
				cols[f] = i
			}
		}
	}
	_, hasName := cols["name"]
	_, hasEmail := cols["email"]
	if !hasName && !hasEmail {
		return nil, errNoColumns
	}
	return cols, nil
}

// errNoColumns is a file whose header names none of the directory's columns.
var errNoColumns = errors.New("the first line names no \"name\" or \"email\" column; it should be a header such as name, email, phone, site, department, vip, notes")

// IsHeaderError reports an import refused because the file's header names no known column.
func IsHeaderError(err error) bool { return errors.Is(err, errNoColumns) }

// readRow makes one row into a requester, or says why it cannot.
func readRow(cols map[string]int, rec []string) (Input, string) {
	cell := func(f string) string {
		if i, ok := cols[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	in := Input{Name: cell("name"), Phone: cell("phone"), Site: cell("site"), Department: cell("department"), Notes: cell("notes")}
	in.Emails = strings.FieldsFunc(cell("email"), func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' })
	switch strings.ToLower(cell("vip")) {
	case "", "no", "n", "false", "0", "-":
	case "yes", "y", "true", "1", "x", "vip":
		in.VIP = true
	default:
		return in, fmt.Sprintf("VIP is %q; write yes or no", cell("vip"))
	}
	in.normalize()
	if in.Name == "" && len(in.Emails) > 0 {
		in.Name, _, _ = strings.Cut(in.Emails[0], "@")
	}
	if err := in.validate(); err != nil {
		if fe, ok := field.As(err); ok && fe.Field == "name" && fe.Problem == "is required" {
			return in, "the row has neither a name nor an email address"
		}
		return in, err.Error()
	}
	return in, ""
}

// importRow writes one row inside tx: it returns a message when the row cannot be written.
func (s *Service) importRow(tx *store.Tx, in Input, res *ImportResult) (string, error) {
	id := idForPair(in.Name, in.Phone)
	if len(in.Emails) > 0 {
		id = IDFor(in.Emails[0])
		if h, err := s.holder(tx, in.Emails[0]); err != nil {
			return "", err
		} else if h != "" {
			id = h
		}
	}
	for _, e := range in.Emails[min(1, len(in.Emails)):] {
		h, err := s.holder(tx, e)
		if err != nil {
			return "", err
		}
		if h != "" && h != id {
			other, _ := tx.Get(Kind, h)
			return fmt.Sprintf("%s is the address of %s already", e, other.String(fName)), nil
		}
	}
	r, err := tx.Get(Kind, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	exists := err == nil
	ops := &change.Ops{}
	if exists && r.Deleted() {
		revive(ops, r)
	}
	if exists {
		old := FromRecord(r)
		keep(&in, old) // an empty cell leaves what the directory holds
	}
	putInput(ops, r, in)
	list, err := ops.List()
	if err != nil {
		return "", err
	}
	switch {
	case len(list) == 0:
		res.Unchanged++
		return "", nil
	case exists:
		res.Updated++
	default:
		res.Created++
	}
	_, err = tx.Write(Kind, id, list)
	return "", err
}

// keep fills in's empty fields from old and adds old's addresses to in's.
func keep(in *Input, old Requester) {
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&in.Phone, old.Phone}, {&in.Site, old.Site}, {&in.Department, old.Department}, {&in.Notes, old.Notes},
	} {
		if *f.dst == "" {
			*f.dst = f.v
		}
	}
	in.VIP = in.VIP || old.VIP
	for _, e := range old.Emails {
		if !slices.Contains(in.Emails, e) {
			in.Emails = append(in.Emails, e)
		}
	}
}
