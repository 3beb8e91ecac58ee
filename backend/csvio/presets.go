package csvio

import (
	"slices"
	"strings"

	"outpost/backend/ticket"
)

// Preset is the shape of one help desk's documented ticket export: which of its
// column names hold which field, how it writes values, and the columns that tell it apart.
type Preset struct {
	Name      string `json:"name"`  // "glpi": also the system an import's ticket IDs derive from
	Label     string `json:"label"` // "GLPI"
	Delimiter string `json:"delimiter"`
	// Columns are the export's column names (folded) in order of preference: a field
	// goes to the first column that names it; Ignore marks a column left out on purpose.
	Columns []Column `json:"-"`
	// Distinct are folded column names few other exports use; a header needs two of them
	// to be taken for this preset.
	Distinct []string `json:"-"`
	// Statuses are this tool's status words where they mean something else than elsewhere.
	Statuses map[string]ticket.Status `json:"-"`
	// Split separates several comments held in one cell ("" keeps one comment a cell).
	Split string `json:"-"`
	// Source describes where the export comes from in the tool, as the import screen says it.
	Source string `json:"source"`
}

// Column is one column name of a preset and the field it holds.
type Column struct {
	Name  string
	Field Field
}

func cols(pairs ...any) []Column {
	out := make([]Column, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Column{Name: headerKey(pairs[i].(string)), Field: pairs[i+1].(Field)})
	}
	return out
}

// headerKey folds a column name; a name of signs only ("#") is kept as written.
func headerKey(h string) string {
	if f := fold(h); f != "" {
		return f
	}
	return strings.TrimSpace(h)
}

// presets are the exports Outpost knows, from each tool's export code and documentation:
//   - GLPI: Assistance > Tickets, search results exported as CSV (Search output: UTF-8 with
//     a byte order mark, every cell quoted, ";" after every cell, double quotes written as
//     two single quotes, columns named by their search option, "Group - Option" for grouped ones).
//   - Zammad: Reports > download (the ticket sheet of ExcelSheet::Ticket, saved as CSV).
//   - osTicket: Tickets > Export (CustomQueue::getExportableFields; "," or ";" by locale).
//   - Freshservice: Tickets > Export as CSV (the ticket fields chosen in the export dialog).
//   - Jira Service Management: Filters > Export > CSV (all fields): repeated "Comment"
//     columns holding "date;author;body", repeated "Labels", time spent in seconds.
var presets = []Preset{
	{
		Name: "glpi", Label: "GLPI", Delimiter: ";", Split: "<br>",
		Source: "Assistance > Tickets, search results exported as CSV",
		Columns: cols("ID", Reference, "Title", Title, "Description", Description, "Status", Status,
			"Opening date", Created, "Last update", Updated, "Resolution date", Resolved, "Closing date", Closed,
			"Take into account date", FirstReply,
			"Priority", Priority, "Urgency", Urgency, "Impact", Impact, "Category", Category,
			"Requester - Requester", Requester, "Requester", Requester, "Requester - Email", Contact,
			"Assigned to - Technician", Assignee, "Technician", Assignee,
			"Assigned to - Technician group", Group, "Assigned to - Group", Group, "Technician group", Group,
			"Request source", SourceField, "Location", Site, "Total duration", TimeSpent,
			"Time to resolve exceeded", Overdue, "Followups - Description", Comment,
			"Entity", Ignore, "Time to resolve", Ignore, "Type", Ignore),
		Distinct: keys("Opening date", "Last update", "Entity", "Requester - Requester", "Assigned to - Technician",
			"Closing date", "Resolution date", "Time to resolve", "Take into account date", "Followups - Description"),
		Statuses: map[string]ticket.Status{"processingassigned": ticket.StatusAssigned, "processingplanned": ticket.StatusInProgress,
			"pending": ticket.StatusWaitingRequester, "solved": ticket.StatusResolved},
	},
	{
		Name: "zammad", Label: "Zammad", Delimiter: ",",
		Source: "Reports > download, the ticket sheet saved as CSV",
		Columns: cols("#", Reference, "Number", Reference, "Title", Title, "State", Status, "Priority", Priority,
			"Group", Group, "Owner", Assignee, "Customer", Requester, "Organization", Site, "Create Channel", SourceField,
			"Tags", Tags, "Time Units Total", TimeSpent, "Created At", Created, "Updated At", Updated,
			"Closed At", Closed, "First Response At", FirstReply,
			"Sender", Ignore, "Close Escalation At", Ignore, "Close In Min", Ignore, "Close Diff In Min", Ignore,
			"First Response Escalation At", Ignore, "First Response In Min", Ignore, "First Response Diff In Min", Ignore,
			"Update Escalation At", Ignore, "Update In Min", Ignore, "Update Diff In Min", Ignore,
			"Last Contact At", Ignore, "Last Contact Agent At", Ignore, "Last Contact Customer At", Ignore,
			"Article Count", Ignore, "Escalation At", Ignore),
		Distinct: keys("State", "Owner", "Create Channel", "Time Units Total", "Created At", "Closed At", "First Response At",
			"Close Escalation At", "Article Count", "Last Contact At"),
		// In Zammad "open" means someone works on it; "new" is a ticket nobody has touched.
		Statuses: map[string]ticket.Status{"open": ticket.StatusInProgress, "pendingclose": ticket.StatusResolved,
			"pendingreminder": ticket.StatusWaitingRequester, "merged": ticket.StatusClosed},
	},
	{
		Name: "osticket", Label: "osTicket", Delimiter: ",",
		Source: "Tickets > Export",
		Columns: cols("Ticket Number", Reference, "Date Created", Created, "Subject", Title, "From", Requester,
			"From Email", Contact, "Priority", Priority, "Department", Group, "Help Topic", Category, "Source", SourceField,
			"Current Status", Status, "Last Updated", Updated, "Closed Date", Closed, "Agent Assigned", Assignee,
			"Team Assigned", Ignore, "SLA Due Date", Ignore, "Due Date", Ignore, "Overdue", Ignore, "Merged", Ignore,
			"Linked", Ignore, "Answered", Ignore, "Thread Count", Ignore, "Reopen Count", Ignore,
			"Attachment Count", Ignore, "Task Count", Ignore),
		Distinct: keys("Ticket Number", "Date Created", "From Email", "Help Topic", "Current Status", "Agent Assigned",
			"Team Assigned", "Thread Count", "SLA Due Date"),
		// osTicket has one open state: assigned or not is said by "Agent Assigned".
		Statuses: map[string]ticket.Status{"open": ticket.StatusNew, "archived": ticket.StatusClosed, "deleted": ticket.StatusClosed},
	},
	{
		Name: "freshservice", Label: "Freshservice", Delimiter: ",",
		Source: "Tickets > Export (choose the fields, CSV)",
		Columns: cols("Ticket Id", Reference, "Subject", Title, "Description", Description, "Status", Status,
			"Priority", Priority, "Urgency", Urgency, "Impact", Impact, "Source", SourceField,
			"Category", Category, "Type", Category, "Agent", Assignee, "Group", Group,
			"Requester Name", Requester, "Requester", Requester, "Requester Email", Contact, "Requester Location", Site,
			"Created Time", Created, "Created Date", Created, "Initial Response Time", FirstReply, "Resolved Time", Resolved,
			"Closed Time", Closed, "Last Updated Time", Updated, "Time Tracked", TimeSpent, "Resolution Status", SLA, "Tags", Tags,
			"Due by Time", Ignore, "First Response Status", Ignore, "First Response Time (in hrs)", Ignore,
			"Resolution Time (in hrs)", Ignore, "Agent interactions", Ignore, "Requester interactions", Ignore,
			"Sub-Category", Ignore, "Item Category", Ignore, "Department", Ignore, "Survey Result", Ignore),
		Distinct: keys("Ticket Id", "Agent", "Requester Name", "Requester Email", "Created Time", "Resolved Time",
			"Closed Time", "Last Updated Time", "Initial Response Time", "Time Tracked", "Resolution Status", "Due by Time"),
	},
	{
		Name: "jsm", Label: "Jira Service Management", Delimiter: ",",
		Source: "Filters > Export > Export CSV (all fields)",
		Columns: cols("Issue key", Reference, "Summary", Title, "Description", Description, "Status", Status,
			"Priority", Priority, "Assignee", Assignee, "Reporter", Requester, "Created", Created, "Updated", Updated,
			"Resolved", Resolved, "Labels", Tags, "Comment", Comment, "Custom field (Request Type)", Category,
			"Component/s", Category, "Time Spent", TimeSpentSeconds,
			"Issue id", Ignore, "Issue Type", Ignore, "Project key", Ignore, "Project name", Ignore, "Project type", Ignore,
			"Resolution", Ignore, "Creator", Ignore, "Last Viewed", Ignore, "Due date", Ignore, "Watchers", Ignore,
			"Σ Time Spent", Ignore, "Original Estimate", Ignore, "Remaining Estimate", Ignore, "Log Work", Ignore,
			"Custom field (Satisfaction rating)", Ignore, "Custom field (Time to first response)", Ignore,
			"Custom field (Time to resolution)", Ignore),
		Distinct: keys("Issue key", "Issue id", "Issue Type", "Summary", "Reporter", "Project key", "Custom field (Request Type)", "Σ Time Spent", "Watchers"),
		Statuses: map[string]ticket.Status{"todo": ticket.StatusNew, "waitingforsupport": ticket.StatusInProgress,
			"waitingforcustomer": ticket.StatusWaitingRequester, "escalated": ticket.StatusInProgress, "canceled": ticket.StatusClosed,
			"cancelled": ticket.StatusClosed, "declined": ticket.StatusClosed, "workinprogress": ticket.StatusInProgress},
	},
}

func keys(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = headerKey(n)
	}
	return out
}

// PresetByName returns the preset named name ("" and unknown names: none).
func PresetByName(name string) (Preset, bool) {
	i := slices.IndexFunc(presets, func(p Preset) bool { return p.Name == strings.ToLower(strings.TrimSpace(name)) })
	if i < 0 {
		return Preset{}, false
	}
	return presets[i], true
}

// Presets lists the exports an import can read, in the order the import screen offers them.
func Presets() []Preset { return slices.Clone(presets) }

// clues are the columns of header among the preset's distinct ones, as the file names them.
func clues(p Preset, header []string) []string {
	var out []string
	for _, h := range header {
		if slices.Contains(p.Distinct, headerKey(h)) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// DetectPreset names the export a header comes from: the preset with the most of its
// distinct columns in the header, at least two.
func DetectPreset(header []string) (Preset, bool) {
	have := map[string]bool{}
	for _, h := range header {
		have[headerKey(h)] = true
	}
	best, score := -1, 1
	for i, p := range presets {
		n := 0
		for _, d := range p.Distinct {
			if have[d] {
				n++
			}
		}
		if n > score {
			best, score = i, n
		}
	}
	if best < 0 {
		return Preset{}, false
	}
	return presets[best], true
}

// presetMapping maps header by the preset's columns, then the columns it does not name
// by GuessMapping's names; a field is used once unless it repeats (comments, tags).
func presetMapping(p Preset, header []string) []Field {
	out := make([]Field, len(header))
	done := make([]bool, len(header))
	keys := make([]string, len(header)) // once each: a header line may be a megabyte long
	for i, h := range header {
		keys[i] = headerKey(h)
	}
	used := map[Field]bool{}
	for _, c := range p.Columns {
		for i := range header {
			if done[i] || keys[i] != c.Name || (c.Field != Ignore && used[c.Field] && !repeatable(c.Field)) {
				continue
			}
			out[i], done[i] = c.Field, true
			if c.Field != Ignore {
				used[c.Field] = true
			}
			if !repeatable(c.Field) {
				break
			}
		}
	}
	guess := GuessMapping(header)
	for i, f := range guess {
		if !done[i] && f != Ignore && (!used[f] || repeatable(f)) {
			out[i], used[f] = f, true
		}
	}
	return out
}
