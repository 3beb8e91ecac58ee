package csvio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

const glpi = "ID;Title;Status;Opening date;Priority;Requester;Category;Description\n" +
	"101;Printer jams;Closed;2024-03-01 09:15;Medium;Ana Costa;Printing;\"Jams on tray 2,\nevery morning\"\n" +
	"102;VPN drops;Processing (assigned);2024-03-02 10:00;Very high;Li Wen;Network;Drops hourly\n"

const zammad = "Number\tTitle\tState\tPriority\tCustomer\tCreated at\n" +
	"31001\tMailbox full\tpending reminder\t3 high\tBo Ek\t2024-05-01T08:00:00Z\n" +
	"31002\tNew laptop\tnew\t2 normal\tAl Ng\t2024-05-02T08:00:00Z\n"

const freshservice = "Ticket Id,Subject,Description,Status,Priority,Source,Type,Agent,Requester Name,Requester Email,Created Date\n" +
	"SR-7,Cannot print,Tray empty,Resolved,Low,Portal,Incident,Kim,Jo Bell,jo@example.com,14/02/2024 10:30\n" +
	"SR-8,Account locked,,Open,Urgent,Phone,Incident,,Max Roe,max@example.com,15/02/2024 11:00\n"

func TestAnalyzeReadsOtherHelpDesksExports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		file      string
		delim     string
		wantRows  []Row // only the fields compared below
		wantDayFr bool
	}{
		{"GLPI, semicolons, multi-line field", glpi, ";", []Row{
			{Line: 2, Status: ticket.StatusClosed, Reference: "101", Ticket: ticket.NewTicket{Title: "Printer jams", Category: "Printing", Impact: ticket.Medium, Urgency: ticket.Medium, Requester: ticket.Requester{Name: "Ana Costa"}}},
			{Line: 4, Status: ticket.StatusAssigned, Reference: "102", Ticket: ticket.NewTicket{Title: "VPN drops", Category: "Network", Impact: ticket.High, Urgency: ticket.High, Requester: ticket.Requester{Name: "Li Wen"}}},
		}, false},
		{"Zammad, tabs", zammad, "\t", []Row{
			{Line: 2, Status: ticket.StatusWaitingRequester, Reference: "31001", Ticket: ticket.NewTicket{Title: "Mailbox full", Impact: ticket.High, Urgency: ticket.Medium, Requester: ticket.Requester{Name: "Bo Ek"}}},
			{Line: 3, Status: ticket.StatusNew, Reference: "31002", Ticket: ticket.NewTicket{Title: "New laptop", Impact: ticket.Medium, Urgency: ticket.Medium, Requester: ticket.Requester{Name: "Al Ng"}}},
		}, false},
		{"Freshservice, commas, day-first dates", freshservice, ",", []Row{
			{Line: 2, Status: ticket.StatusResolved, Reference: "SR-7", Assignee: "Kim", Ticket: ticket.NewTicket{Title: "Cannot print", Category: "Incident", Impact: ticket.Medium, Urgency: ticket.Low, Source: ticket.SourceSelf, Requester: ticket.Requester{Name: "Jo Bell", Contact: "jo@example.com"}}},
			{Line: 3, Status: ticket.StatusNew, Reference: "SR-8", Ticket: ticket.NewTicket{Title: "Account locked", Category: "Incident", Impact: ticket.High, Urgency: ticket.High, Source: ticket.SourcePhone, Requester: ticket.Requester{Name: "Max Roe", Contact: "max@example.com"}}},
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Analyze(strings.NewReader(tc.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Delimiter != tc.delim || len(a.Errors) != 0 || len(a.Rows) != len(tc.wantRows) || a.DayFirst != tc.wantDayFr {
				t.Fatalf("delimiter %q, errors %v, %d rows, day first %v", a.Delimiter, a.Errors, len(a.Rows), a.DayFirst)
			}
			for i, want := range tc.wantRows {
				got := a.Rows[i]
				g, w := got.Ticket, want.Ticket
				if got.Line != want.Line || got.Status != want.Status || got.Reference != want.Reference || got.Assignee != want.Assignee ||
					g.Title != w.Title || g.Category != w.Category || g.Impact != w.Impact || g.Urgency != w.Urgency ||
					g.Requester != w.Requester || (w.Source != "" && g.Source != w.Source) {
					t.Errorf("row %d = %+v\nwant %+v", i, got, want)
				}
				if got.Created == nil {
					t.Errorf("row %d: no created date", i)
				}
			}
		})
	}
	a, _ := Analyze(strings.NewReader(freshservice), Options{From: "freshservice.csv"})
	if d := a.Rows[0].Created; d.Day() != 14 || d.Month() != 2 {
		t.Errorf("14/02/2024 read as %s", d)
	}
	if got := a.Rows[0].Ticket.Description; got != "Tray empty" {
		t.Errorf("description = %q", got)
	}
}

func TestAnalyzeRefusesUnreadableFilesWithClearMessages(t *testing.T) {
	t.Parallel()
	garbage := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.IntN(256))
	}
	long := "Title,Description\nok," + strings.Repeat("x", 10<<20) + "\n"
	tests := []struct {
		name string
		file string
		opts Options
		want string
	}{
		{"empty", "", Options{}, "the file is empty"},
		{"only blank lines", "\n\r\n  \n", Options{}, "the file is empty"},
		{"binary garbage", string(garbage), Options{}, "this is not a CSV file: it contains binary data"},
		{"a PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Options{}, "this is not a CSV file: it contains binary data"},
		{"UTF-16", "\xff\xfeT\x00i\x00t\x00", Options{}, "the file is saved as UTF-16; save it as UTF-8 CSV and import it again"},
		{"10 MB line", long, Options{}, "line is too long: line 2 is longer than 1024 KB; is this really a CSV file?"},
		{"missing title column", "Description,Priority\nBroken,High\n", Options{}, "missing required column: no column is mapped to the title (looked for a column named Title, Subject or Summary)"},
		{"wrong delimiter", "Title;Priority\nPrinter;High\n", Options{Delimiter: ","}, "missing required column: found only one column: the file seems to use semicolons between columns, not commas"},
		{"wrong delimiter, tabs", "Title\tPriority\nPrinter\tHigh\n", Options{Delimiter: ";"}, "missing required column: found only one column: the file seems to use tabs between columns, not semicolons"},
		{"unknown delimiter", "Title\nx\n", Options{Delimiter: "#"}, "Delimiter must be a comma, semicolon, tab or |"},
		{"mapping of the wrong width", "Title,Priority\nx,High\n", Options{Mapping: []Field{Title}}, "Mapping names 1 columns; the file has 2"},
		{"mapping twice to title", "Title,Subject\nx,y\n", Options{Mapping: []Field{Title, Title}}, "Mapping: two columns are mapped to title"},
		{"unterminated quote", "Title,Description\n\"Printer,\"broken\" x\n", Options{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Analyze(strings.NewReader(tc.file), tc.opts)
			if tc.want == "" {
				return // lazy quotes read it; the point is not to panic or hang
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Analyze = %v\nwant       %s", err, tc.want)
			}
		})
	}
}

func TestAnalyzeReportsBadRowsByLine(t *testing.T) {
	t.Parallel()
	file := "Title,Priority,Created,Status\n" +
		"Printer jams,High,2024-03-01,Open\n" + // line 2: fine
		"Bad date,Low,31/31/2024,Open\n" + // line 3
		"\"Two\nlines\",Urgent,2024-03-02,Open\n" + // lines 4-5: fine
		"Bad priority,whenever,2024-03-02,Open\n" + // line 6
		"Bad status,Low,2024-03-02,Archived\n" + // line 7
		"Windows-1252 caf\xe9,Low,2024-03-02,Open\n" + // line 8: fine, the file is read as Windows-1252
		"Short row,Low\n" + // line 9
		",Low,2024-03-02,Open\n" + // line 10: no title
		"\n" + // blank lines are skipped
		strings.Repeat("T", 201) + ",Low,2024-03-02,Open\n" // line 12: title too long
	a, err := Analyze(strings.NewReader(file), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`line 3, column "Created": cannot read "31/31/2024" as a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)`,
		`line 6, column "Priority": cannot read "whenever" as a priority (use P1 to P5, 1 to 5, or critical, high, medium, low, very low)`,
		`line 7, column "Status": cannot read "Archived" as a status (use new, assigned, in progress, pending, waiting on third party, resolved or closed)`,
		`line 9: this row has 2 columns; the header has 4`,
		`line 10, column "Title": is required`,
		`line 12, column "Title": is 201 characters long; the limit is 200`,
	}
	var got []string
	for _, e := range a.Errors {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p := a.Preview(); p.Total != 9 || p.Valid != 3 || p.ErrorCount != 6 || p.Rows[2].Line != 4 || p.Encoding != EncCP1252 {
		t.Fatalf("preview total %d valid %d errors %d, third row line %d, encoding %s", p.Total, p.Valid, p.ErrorCount, p.Rows[2].Line, p.Encoding)
	}
	if got := a.Rows[5].Ticket.Title; got != "Windows-1252 café" {
		t.Fatalf("Windows-1252 row read as %q", got)
	}
}

func TestImportWritesNothingUnlessValidRowsAreAccepted(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	svc := ticket.NewService(st, nil)
	file := "Subject,Status,Priority\nPrinter jams,Closed,P4\nBad,Archived,P1\nVPN drops,In progress,P1\n"
	before, _ := st.StateHash()
	_, err := importString(st, svc, file, Options{}, false)
	if !errors.Is(err, ErrRowsInvalid) || err.Error() != `some rows have errors; nothing was imported (1 of 3 rows; first: line 3, column "Status": cannot read "Archived" as a status (use new, assigned, in progress, pending, waiting on third party, resolved or closed))` {
		t.Fatalf("Import = %v", err)
	}
	if after, _ := st.StateHash(); after != before {
		t.Fatal("a refused import wrote something")
	}
	res, err := importString(st, svc, file, Options{}, true)
	if err != nil || res.Imported != 2 || res.Skipped != 1 {
		t.Fatalf("Import accepting valid rows = %+v, %v", res, err)
	}
	got := map[string]ticket.Ticket{}
	st.Scan(ticket.Kind, func(r change.Record) error {
		tk := ticket.FromRecord(r)
		got[tk.Title] = tk
		return nil
	})
	if p, v := got["Printer jams"], got["VPN drops"]; len(got) != 2 || p.Status != ticket.StatusClosed || p.Priority != 4 ||
		v.Status != ticket.StatusInProgress || v.Priority != 1 || p.CreatedBy != "alice" {
		t.Fatalf("imported tickets = %+v", got)
	}
}

func TestExportImportsBack(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	in := []ticket.NewTicket{
		{Title: "=HYPERLINK(\"http://evil\")", Category: "security", Impact: ticket.High, Urgency: ticket.High, Requester: ticket.Requester{Name: "Ana", Contact: "ana@example.com", Site: "Leeds"}, Tags: []string{"phish", "urgent"}},
		{Title: "Printer, \"tray 2\"", Description: "Line one\nLine two", Category: "printing", Impact: ticket.Low, Urgency: ticket.Low, Source: ticket.SourceEmail},
	}
	ts, err := svc.CreateBatch(ctx, "alice", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, "alice", ts[1].ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	ts[1], _ = svc.Get(ts[1].ID)
	var buf bytes.Buffer
	if err := WriteTickets(&buf, ts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\"'=HYPERLINK(\"\"http://evil\"\")\"") {
		t.Fatalf("formula not neutralised:\n%s", buf.String())
	}
	a, err := Analyze(&buf, Options{})
	if err != nil || len(a.Errors) != 0 {
		t.Fatalf("re-import: %v %v", err, a.Errors)
	}
	for i, r := range a.Rows {
		w := ts[i]
		g := r.Ticket
		wantTitle := w.Title
		if i == 0 {
			wantTitle = "'" + w.Title
		}
		if g.Title != wantTitle || g.Category != w.Category || g.Impact != w.Impact || g.Urgency != w.Urgency ||
			g.Requester != w.Requester || g.Source != w.Source || strings.Join(g.Tags, ",") != strings.Join(w.Tags, ",") ||
			r.Status != w.Status || r.Reference != w.Number || r.Created == nil || !strings.HasPrefix(g.Description, w.Description) {
			t.Errorf("row %d = %+v, status %s\nwant %+v", i, g, r.Status, w)
		}
	}
}

// importString imports file as alice, with no technicians to match.
func importString(st *store.Store, svc *ticket.Service, file string, opts Options, accept bool) (Result, error) {
	src := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(file)), nil }
	return Import(context.Background(), st, svc, "alice", src, opts, accept, Known{}, nil)
}

// A header line at the length limit is mapped in time proportional to its length: each column
// name is folded once, not once per known column name (that took seconds for a megabyte).
func TestAnalyzeLongHeaderInLinearTime(t *testing.T) {
	t.Parallel()
	cells := make([]string, MaxColumns-1)
	for i := range cells {
		cells[i] = strings.Repeat("é", (MaxLineBytes-1024)/len(cells)/2)
	}
	file := []byte("Title," + strings.Join(cells, ",") + "\nPrinter jams\n")
	for _, system := range []string{"", "glpi"} {
		start := time.Now()
		a, err := Analyze(bytes.NewReader(file), Options{System: system})
		if err != nil || a.Total != 1 {
			t.Fatalf("Analyze(%q) = %v", system, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("analysing a %d KB header as %q took %s", len(file)>>10, system, d)
		}
	}
}
