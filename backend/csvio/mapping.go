package csvio

import (
	"fmt"
	"outpost/backend/core/field"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"outpost/backend/ticket"
)

// Field is a ticket field a column can be mapped to ("" ignores the column).
type Field string

// Fields an import understands.
const (
	Ignore      Field = ""
	Title       Field = "title"
	Description Field = "description"
	Priority    Field = "priority"
	Impact      Field = "impact"
	Urgency     Field = "urgency"
	Status      Field = "status"
	Category    Field = "category"
	Requester   Field = "requester"
	Contact     Field = "contact"
	Site        Field = "site"
	Created     Field = "created"
	Tags        Field = "tags"
	SourceField Field = "source"
	Reference   Field = "reference" // the ticket's number in the old system
	Assignee    Field = "assignee"  // who had it: matched to a technician by name or email, else kept as an imported person
	FirstReply  Field = "firstResponse"
	Resolved    Field = "resolved"
	Closed      Field = "closed"
	Updated     Field = "updated"
	Group       Field = "group"
	SLA         Field = "sla"       // the old system's SLA result: met / breached (else not measured)
	Comment     Field = "comment"   // "date;author;body"; several columns may map here
	TimeSpent   Field = "timeSpent" // minutes, "1:30" or "1h 30m"
	// TimeSpentSeconds is time spent written in seconds (Jira).
	TimeSpentSeconds Field = "timeSpentSeconds"
	// Overdue is the old system's "SLA exceeded?" flag: yes is breached, no is met.
	Overdue Field = "overdue"
)

// mappable lists every field a column can map to, in the order the mapping screen shows them.
var mappable = []Field{Title, Description, Priority, Impact, Urgency, Status, Category, Requester, Contact, Site,
	Created, Tags, SourceField, Reference, Assignee, FirstReply, Resolved, Closed, Updated, Group, SLA, Overdue, Comment, TimeSpent, TimeSpentSeconds}

// repeatable fields may be mapped from several columns.
func repeatable(f Field) bool { return f == Comment || f == Tags }

// headerNames are the column names other help desks use (GLPI, Zammad, Freshservice,
// osTicket, Jira Service Management, ServiceNow), folded to lower-case letters and digits.
var headerNames = map[Field][]string{
	Title:       {"title", "subject", "summary", "shortdescription", "tickettitle", "name"},
	Description: {"description", "content", "body", "details", "problemdescription", "descriptiontext"},
	Priority:    {"priority", "prio", "ticketpriority"},
	Impact:      {"impact"},
	Urgency:     {"urgency"},
	Status:      {"status", "state", "ticketstatus"},
	Category:    {"category", "itilcategory", "type", "tickettype", "requesttype", "helptopic"},
	Requester:   {"requester", "requestername", "requestedby", "customer", "caller", "reporter", "reportedby", "contact", "fullname"},
	Contact:     {"requesteremail", "email", "customeremail", "contactemail", "emailaddress", "phone"},
	Site:        {"site", "location", "office"},
	Created:     {"created", "createdat", "createdon", "createddate", "datecreated", "openingdate", "opened", "openedat", "creationdate", "date"},
	Tags:        {"tags", "tag", "labels"},
	SourceField: {"source", "channel", "requestsource", "origin"},
	Reference:   {"id", "ticketid", "number", "ticketnumber", "ref", "reference", "displayid", "key", "issuekey"},
	Assignee:    {"assignee", "assignedto", "technician", "agent", "owner", "responder"},
	FirstReply:  {"firstresponse", "firstresponseat", "firstresponsetime", "firstresponded", "takeintoaccountdate", "firstresponsedate"},
	Resolved:    {"resolved", "resolvedat", "resolveddate", "resolutiondate", "resolvedtime", "solvedate", "dateofsolving", "resolutiontime"},
	Closed:      {"closed", "closedat", "closeddate", "closingdate", "closedtime", "closedate", "dateclosed"},
	Updated:     {"updated", "updatedat", "lastupdate", "lastupdated", "lastmodified", "lastupdatedtime", "datemod", "lastupdatedate"},
	Group:       {"group", "assignedgroup", "team", "department", "queue"},
	SLA:         {"sla", "slastatus", "slaresult", "slaresolution", "resolutionstatus"},
	Comment:     {"comment", "comments", "note", "notes", "followup", "followups"},
	TimeSpent:   {"timespent", "totaltime", "timetracked", "timeaccounting", "actiontime", "totaltimespent"},
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GuessMapping maps each header to a field by its name; each field is used at most once,
// by the first column that names it.
func GuessMapping(header []string) []Field {
	out := make([]Field, len(header))
	folded := make([]string, len(header)) // once each: a header line may be a megabyte long
	for i, h := range header {
		folded[i] = fold(h)
	}
	used := map[Field]bool{}
	for _, f := range mappable {
		for i := range header {
			if out[i] != Ignore || used[f] && !repeatable(f) {
				continue
			}
			for _, name := range headerNames[f] {
				if folded[i] == name {
					out[i], used[f] = f, true
					break
				}
			}
		}
	}
	return out
}

// priorityLevels turns a priority into the impact and urgency that give it in the default matrix.
var priorityLevels = map[int][2]ticket.Level{
	1: {ticket.High, ticket.High}, 2: {ticket.High, ticket.Medium}, 3: {ticket.Medium, ticket.Medium},
	4: {ticket.Medium, ticket.Low}, 5: {ticket.Low, ticket.Low},
}

// priorityWords maps the words other tools use to a priority from 1 (most urgent) to 5.
var priorityWords = map[string]int{
	"critical": 1, "urgent": 1, "major": 1, "veryhigh": 1, "highest": 1, "emergency": 1, "p1": 1,
	"high": 2, "p2": 2,
	"medium": 3, "normal": 3, "moderate": 3, "p3": 3,
	"low": 4, "minor": 4, "p4": 4,
	"verylow": 5, "lowest": 5, "planning": 5, "trivial": 5, "p5": 5,
}

// parsePriority reads "P2", "2", "High", "1 - Critical", "3 high" (Zammad) and the like.
func parsePriority(v string) (int, error) {
	f := fold(v)
	if p, ok := priorityWords[f]; ok {
		return p, nil
	}
	// A number with a word: the word decides when it is known ("3 high" in Zammad is high), else the number.
	word := strings.TrimLeft(f, "0123456789")
	if p, ok := priorityWords[word]; ok {
		return p, nil
	}
	if n, err := strconv.Atoi(strings.TrimRight(f, "abcdefghijklmnopqrstuvwxyz")); err == nil && n >= 1 && n <= 5 {
		return n, nil
	}
	return 0, fmt.Errorf("cannot read %q as a priority (use P1 to P5, 1 to 5, or critical, high, medium, low, very low)", v)
}

func parseLevel(v string) (ticket.Level, error) {
	switch fold(v) {
	case "high", "1", "critical", "veryhigh", "major":
		return ticket.High, nil
	case "medium", "2", "normal", "moderate":
		return ticket.Medium, nil
	case "low", "3", "minor", "verylow":
		return ticket.Low, nil
	}
	return "", fmt.Errorf("cannot read %q as a level (use high, medium or low)", v)
}

// statusWords maps the statuses of other tools to ours.
var statusWords = map[string]ticket.Status{
	"new": ticket.StatusNew, "open": ticket.StatusNew, "unassigned": ticket.StatusNew, "incoming": ticket.StatusNew,
	"assigned": ticket.StatusAssigned, "processingassigned": ticket.StatusAssigned,
	"inprogress": ticket.StatusInProgress, "processing": ticket.StatusInProgress, "processingplanned": ticket.StatusInProgress,
	"planned": ticket.StatusInProgress, "active": ticket.StatusInProgress, "workinprogress": ticket.StatusInProgress,
	"pending": ticket.StatusWaitingRequester, "pendingreminder": ticket.StatusWaitingRequester, "onhold": ticket.StatusWaitingRequester,
	"waitingoncustomer": ticket.StatusWaitingRequester, "waitingrequester": ticket.StatusWaitingRequester, "awaitinguser": ticket.StatusWaitingRequester,
	"waitingonthirdparty": ticket.StatusWaitingThirdParty, "waitingthirdparty": ticket.StatusWaitingThirdParty, "waitingonvendor": ticket.StatusWaitingThirdParty,
	"resolved": ticket.StatusResolved, "solved": ticket.StatusResolved, "done": ticket.StatusResolved,
	"closed": ticket.StatusClosed, "pendingclose": ticket.StatusResolved, "merged": ticket.StatusClosed,
	"reopened": ticket.StatusReopened,
}

func parseStatus(v string) (ticket.Status, error) {
	if s, ok := statusWords[fold(v)]; ok {
		return s, nil
	}
	return "", fmt.Errorf("cannot read %q as a status (use new, assigned, in progress, pending, waiting on third party, resolved or closed)", v)
}

var sourceWords = map[string]ticket.Source{
	"phone": ticket.SourcePhone, "call": ticket.SourcePhone, "telephone": ticket.SourcePhone,
	"email": ticket.SourceEmail, "mail": ticket.SourceEmail,
	"walkup": ticket.SourceWalkUp, "walkin": ticket.SourceWalkUp, "direct": ticket.SourceWalkUp,
	"onsite": ticket.SourceOnSite,
	"self":   ticket.SourceSelf, "portal": ticket.SourceSelf, "web": ticket.SourceSelf, "helpdesk": ticket.SourceSelf, "selfservice": ticket.SourceSelf,
	"api": ticket.SourceSelf, "chat": ticket.SourceSelf, "feedbackwidget": ticket.SourceSelf, "serviceportal": ticket.SourceSelf,
	"form": ticket.SourceSelf, "webform": ticket.SourceSelf, "emailticket": ticket.SourceEmail, "inboundemail": ticket.SourceEmail,
	"phonecall": ticket.SourcePhone,
}

func parseSource(v string) (ticket.Source, error) {
	if s, ok := sourceWords[fold(v)]; ok {
		return s, nil
	}
	return "", fmt.Errorf("cannot read %q as a source (use phone, email, walk-up, on-site or portal)", v)
}

// dateLayouts are tried in order; day-first and month-first slashed dates depend on DayFirst.
var dateLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 MST", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006/01/02",
	"02.01.2006 15:04:05", "02.01.2006 15:04", "02.01.2006",
	// Jira's default ("12/Mar/24 3:15 PM") and its 24-hour variant.
	"2/Jan/06 3:04 PM", "2/Jan/06 15:04", "2/Jan/2006 3:04 PM", "2/Jan/2006 15:04", "2 Jan 2006 15:04", "Jan 2, 2006 3:04 PM"}

// slashLayouts are day-first; month first swaps the first two parts. GLPI writes dashes.
var slashLayouts = []string{"02/01/2006 15:04:05", "02/01/2006 15:04", "02/01/2006", "2/1/2006 15:04", "2/1/2006 3:04 PM", "2/1/2006",
	"02-01-2006 15:04:05", "02-01-2006 15:04", "02-01-2006"}

// lastLayout is the layout the latest date was read with, tried first: an export
// writes every date alike, and trying a dozen layouts before Jira's was a fifth of an
// import's time.
var lastLayout atomic.Pointer[string]

func parseDate(v string, dayFirst bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if l := lastLayout.Load(); l != nil && (dayFirst || !slices.Contains(slashLayouts, *l)) {
		if t, err := time.Parse(*l, v); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			lastLayout.Store(&l)
			return t.UTC(), nil
		}
	}
	for _, l := range slashLayouts {
		if !dayFirst {
			l = swapDayMonth(l)
		}
		if t, err := time.Parse(l, v); err == nil {
			if dayFirst {
				lastLayout.Store(&l)
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)", v)
}

// swapDayMonth turns a day-first layout month-first.
func swapDayMonth(l string) string {
	sep := "/"
	if strings.Contains(l, "-") {
		sep = "-"
	}
	parts := strings.SplitN(l, sep, 3)
	if len(parts) < 3 {
		return l
	}
	return parts[1] + sep + parts[0] + sep + parts[2]
}

// guessDayFirst looks at slashed dates in a column: a first part above 12 means day first.
func guessDayFirst(values []string) bool {
	for _, v := range values {
		a, _, ok := strings.Cut(strings.TrimSpace(v), "/")
		if !ok {
			a, _, ok = strings.Cut(strings.TrimSpace(v), "-")
		}
		if n, err := strconv.Atoi(a); ok && err == nil && n > 12 && n <= 31 {
			return true
		}
	}
	return false
}

// Override changes mapping (for header) by spec, "Column=field,Other Column=": each
// named column maps to the field given, or is ignored when none is.
func Override(header []string, mapping []Field, spec string) ([]Field, error) {
	out := slices.Clone(mapping)
	for _, part := range strings.Split(spec, ",") {
		col, f, ok := strings.Cut(part, "=")
		if !ok {
			return nil, field.Errorf("map", "%q: write Column=field", part)
		}
		i := slices.IndexFunc(header, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(col)) })
		if i < 0 {
			return nil, field.Errorf("map", "the file has no column %q", strings.TrimSpace(col))
		}
		want := Field(strings.TrimSpace(f))
		if want != Ignore && !slices.Contains(mappable, want) {
			return nil, field.Errorf("map", "unknown field %q", want)
		}
		out[i] = want
	}
	return out, nil
}
