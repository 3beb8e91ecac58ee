package csvio

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"outpost/backend/ticket"
)

// fuzzSystems are the help desks an import may be told the file comes from ("" detects it).
var fuzzSystems = []string{"", "glpi", "zammad", "osticket", "freshservice", "jsm", "otrs"}

// FuzzAnalyze reads arbitrary bytes as an import does (encoding and delimiter sniffing, preset
// detection, the mapping of every row to a ticket), then exports the previewed tickets as CSV.
// Nothing may panic, the analysis keeps no more than its preview bounds, and no exported cell
// may start as a spreadsheet formula: every such cell carries the apostrophe Write adds, and
// reads back as the value it was given.
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, uint8(0))
		}
	}
	f.Add([]byte(glpi), uint8(1))
	f.Add([]byte(zammad), uint8(2))
	f.Add([]byte(freshservice), uint8(4))
	f.Add([]byte("Title,Description,Category,Tags\n=HYPERLINK(\"http://x\"),@SUM(A1),+cmd|' /C calc'!A0,-2+3\n"), uint8(0))
	f.Add([]byte("\xef\xbb\xbfTitle;Requester;Created\n\tTab first;\rCR first;03/04/2025\n"), uint8(6))
	f.Add([]byte("Titre;Cat\xe9gorie\nCaf\xe9 froid;-1\n"), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, system uint8) {
		opts := Options{From: "fuzz.csv", System: fuzzSystems[int(system)%len(fuzzSystems)]}
		a, err := Analyze(bytes.NewReader(b), opts)
		if err != nil {
			return
		}
		if len(a.Rows) > PreviewRows || len(a.Errors) > MaxErrors || a.ErrorCount > a.Total || a.Valid() < 0 {
			t.Fatalf("analysis out of bounds: %d rows, %d errors, %d of %d rows in error",
				len(a.Rows), len(a.Errors), a.ErrorCount, a.Total)
		}
		if len(a.Mapping) != len(a.Header) {
			t.Fatalf("%d columns mapped for a header of %d", len(a.Mapping), len(a.Header))
		}
		checkExport(t, a.Rows)
	})
}

// checkExport writes rows as an export would and reads the file back.
func checkExport(t *testing.T, rows []Row) {
	t.Helper()
	var ts []ticket.Ticket
	for i := range rows {
		im := imported(&rows[i], nil)
		var tk ticket.Ticket
		tk.Number, tk.Title, tk.Status, tk.Priority = im.Number, im.Title, im.Status, im.Priority
		tk.Impact, tk.Urgency, tk.Category, tk.Assignee = im.Impact, im.Urgency, im.Category, rows[i].Assignee
		tk.Requester, tk.Source, tk.Tags, tk.Description = im.Requester, im.Source, im.Tags, im.Description
		ts = append(ts, tk)
	}
	var out bytes.Buffer
	if err := WriteTickets(&out, ts); err != nil {
		t.Fatalf("export: %v", err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(recs) != len(ts)+1 {
		t.Fatalf("the export does not read back as %d rows: %d, %v", len(ts)+1, len(recs), err)
	}
	for i, tk := range ts {
		want := []string{tk.Number, tk.Title, string(tk.Status), "P" + strconv.Itoa(tk.Priority), string(tk.Impact),
			string(tk.Urgency), tk.Category, tk.Assignee, strconv.Itoa(tk.Tier), tk.Requester.Name, tk.Requester.Contact,
			tk.Requester.Site, string(tk.Source), strings.Join(tk.Tags, ","), "", "", tk.Description}
		for j, cell := range recs[i+1] {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("row %d column %s exported as a formula: %q", i+1, ticketColumns[j], cell)
			}
			if got, w := unneutralise(cell, want[j]), crlf(want[j]); got != w {
				t.Fatalf("row %d column %s reads back as %q, want %q", i+1, ticketColumns[j], got, w)
			}
		}
	}
}

// unneutralise takes off the apostrophe Write puts before a would-be formula.
func unneutralise(cell, want string) string {
	if rest, ok := strings.CutPrefix(cell, "'"); ok && want != "" && strings.ContainsRune("=+-@\t\r", rune(want[0])) {
		return rest
	}
	return cell
}

// crlf is a value as an export gives it back: with CRLF line ends, encoding/csv writes a field's
// LF as CR LF (read back as LF) and leaves out its carriage returns.
func crlf(s string) string { return strings.ReplaceAll(s, "\r", "") }
