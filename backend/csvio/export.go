package csvio

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"outpost/backend/ticket"
)

// Write writes a table as CSV (comma-separated, CRLF line ends, as spreadsheets expect).
// A cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
// gets a leading apostrophe, so an exported ticket title cannot execute on a lead's machine.
func Write(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, v := range row {
			safe[i] = neutralise(v)
		}
		if err := cw.Write(safe); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func neutralise(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// ticketColumns are the columns of a ticket export; an import maps them back by name.
var ticketColumns = []string{"Number", "Title", "Status", "Priority", "Impact", "Urgency", "Category", "Assignee",
	"Tier", "Requester", "Requester email", "Site", "Source", "Tags", "Created", "Updated", "Description"}

// WriteTickets writes tickets as CSV with TicketColumns.
func WriteTickets(w io.Writer, ts []ticket.Ticket) error {
	rows := make([][]string, len(ts))
	for i, t := range ts {
		rows[i] = []string{t.Number, t.Title, string(t.Status), "P" + strconv.Itoa(t.Priority), string(t.Impact),
			string(t.Urgency), t.Category, t.Assignee, strconv.Itoa(t.Tier), t.Requester.Name, t.Requester.Contact,
			t.Requester.Site, string(t.Source), strings.Join(t.Tags, ","), stamp(t.Created), stamp(t.Updated), t.Description}
	}
	return Write(w, ticketColumns, rows)
}

// summaryColumns are the columns of a queue export.
var summaryColumns = []string{"Number", "Title", "Status", "Priority", "Impact", "Urgency", "Category", "Assignee",
	"Tier", "Tags", "Created", "Updated"}

// WriteSummaries writes queue rows as CSV with SummaryColumns.
func WriteSummaries(w io.Writer, ss []ticket.Summary) error {
	rows := make([][]string, len(ss))
	for i, t := range ss {
		rows[i] = []string{t.Number, t.Title, string(t.Status), "P" + strconv.Itoa(t.Priority), string(t.Impact),
			string(t.Urgency), t.Category, t.Assignee, strconv.Itoa(t.Tier), strings.Join(t.Tags, ","), stamp(t.Created), stamp(t.Updated)}
	}
	return Write(w, summaryColumns, rows)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}
