package csvio

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// mapRow fills row from rec by the mapping, returning the first problem.
func (a *Analysis) mapRow(rec []string, row *Row) *RowError {
	in := &row.Ticket
	o := &row.Origin
	o.System = a.System
	fail := func(col int, err error) *RowError {
		return &RowError{Line: row.Line, Column: a.Header[col], Message: err.Error()}
	}
	minutes, statusSet := 0, false
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
			row.Priority, err = parsePriority(v)
		case Impact:
			in.Impact, err = parseLevel(v)
		case Urgency:
			in.Urgency, err = parseLevel(v)
		case Status:
			if st, ok := a.preset.Statuses[fold(v)]; ok {
				row.Status = st
			} else {
				row.Status, err = parseStatus(v)
			}
			statusSet = true
		case Category:
			in.Category = oneLine(v)
		case Requester:
			in.Requester.Name = oneLine(v)
		case Contact:
			in.Requester.Contact = oneLine(v)
		case Site:
			in.Requester.Site = oneLine(v)
		case Created, FirstReply, Resolved, Closed, Updated:
			var t time.Time
			t, err = parseDate(v, a.DayFirst)
			*dateOf(row, f) = t
		case Tags:
			for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
				if t = strings.TrimSpace(t); t != "" {
					in.Tags = append(in.Tags, t)
				}
			}
		case SourceField:
			// A channel Outpost has no word for (Zammad's "note", GLPI's "Other") is kept as a tag.
			if in.Source, err = parseSource(v); err != nil {
				in.Tags, err = append(in.Tags, "channel-"+strings.Join(strings.Fields(strings.ToLower(v)), "-")), nil
			}
		case Reference:
			row.Reference = v
		case Assignee:
			if v != "-" && v != "—" { // Zammad's "-" is nobody
				row.Assignee = oneLine(v)
			}
		case Group:
			o.Group = oneLine(v)
		case SLA:
			o.SLA, err = parseSLA(v)
		case Overdue:
			o.SLA, err = parseOverdue(v)
		case Comment:
			cells := []string{rec[i]}
			if a.preset.Split != "" {
				cells = strings.Split(rec[i], a.preset.Split)
			}
			for _, cell := range cells {
				if strings.TrimSpace(cell) == "" {
					continue
				}
				var c ticket.Comment
				if c, err = a.parseComment(cell); err != nil {
					break
				}
				o.Comments = append(o.Comments, c)
			}
		case TimeSpent:
			var m int
			m, err = parseMinutes(v)
			minutes += m
		case TimeSpentSeconds:
			var s int
			s, err = parseSeconds(v)
			minutes += (s + 30) / 60
		}
		if err != nil {
			return fail(i, err)
		}
	}
	// An export with one open state ("open" in osTicket) says who had it in another column.
	if statusSet && row.Status == ticket.StatusNew && row.Assignee != "" {
		row.Status = ticket.StatusAssigned
	}
	if row.Priority > 0 && in.Impact == "" && in.Urgency == "" {
		l := priorityLevels[row.Priority]
		in.Impact, in.Urgency = l[0], l[1]
	}
	if row.Created != nil {
		o.Created = *row.Created
	}
	if minutes > 0 {
		o.WorkLogs = append(o.WorkLogs, ticket.WorkLog{Author: row.Assignee, Minutes: minutes,
			At: firstNonZero(o.Resolved, o.Closed, o.Updated, o.Created), Note: "time spent in " + a.System})
	}
	o.SourceID = row.Reference
	if o.SourceID == "" { // no ticket number: the row itself names the ticket
		sum := sha256.Sum256([]byte(strings.Join(rec, "\x1f")))
		o.SourceID = "row-" + fmt.Sprintf("%x", sum[:8])
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		if fe, ok := field.As(err); ok {
			return &RowError{Line: row.Line, Column: a.columnOf(fe.Field), Message: fe.Problem}
		}
		return &RowError{Line: row.Line, Message: err.Error()}
	}
	return nil
}

// dateOf is where a date field of a row goes.
func dateOf(row *Row, f Field) *time.Time {
	switch f {
	case FirstReply:
		return &row.Origin.FirstResponse
	case Resolved:
		return &row.Origin.Resolved
	case Closed:
		return &row.Origin.Closed
	case Updated:
		return &row.Origin.Updated
	}
	if row.Created == nil {
		row.Created = new(time.Time)
	}
	return row.Created
}

func firstNonZero(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// oneLine joins a value that spans lines (a title exported with a line break) into one line.
func oneLine(v string) string { return strings.Join(strings.Fields(v), " ") }

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

// parseComment reads "date;author;body" (the body may hold more semicolons and lines);
// a cell that does not start with a date is a comment by nobody known, at no known time.
// A body starting with "[internal]" or "(private)" is an internal note.
func (a *Analysis) parseComment(v string) (ticket.Comment, error) {
	parts := strings.SplitN(v, ";", 3)
	c := ticket.Comment{Body: strings.TrimSpace(v)}
	if len(parts) == 3 {
		if t, err := parseDate(parts[0], a.DayFirst); err == nil {
			c = ticket.Comment{At: t, Author: oneLine(parts[1]), Body: strings.TrimSpace(parts[2])}
		}
	}
	for _, p := range []string{"[internal]", "(private)", "[private]", "(internal)"} {
		if rest, ok := strings.CutPrefix(c.Body, p); ok {
			c.Internal, c.Body = true, strings.TrimSpace(rest)
		}
	}
	if len(c.Body) > ticket.MaxComment {
		return c, fmt.Errorf("comment is longer than %d characters", ticket.MaxComment)
	}
	return c, nil
}

// parseOverdue reads an "SLA exceeded?" flag (GLPI's "Time to resolve exceeded").
func parseOverdue(v string) (sla.State, error) {
	switch fold(v) {
	case "yes", "true", "1", "oui", "ja":
		return sla.Breached, nil
	case "no", "false", "0", "non", "nein":
		return sla.Met, nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("cannot read %q as yes or no", v)
}

func parseSLA(v string) (sla.State, error) {
	switch fold(v) {
	case "met", "ok", "yes", "true", "withinsla", "achieved", "inside", "compliant", "slamet":
		return sla.Met, nil
	case "breached", "violated", "no", "false", "overdue", "outsidesla", "missed", "failed", "exceeded", "slaviolated", "slabreached":
		return sla.Breached, nil
	case "", "none", "notmeasured", "na", "n/a":
		return "", nil
	}
	return "", fmt.Errorf("cannot read %q as an SLA result (use met or breached)", v)
}

// parseSeconds reads a duration in seconds (Jira's "Time Spent").
func parseSeconds(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("cannot read %q as seconds of time spent", v)
	}
	return n, nil
}

// durationWords turns GLPI's "1 hours 30 minutes" into "1h30m".
var durationWords = strings.NewReplacer("hours", "h", "hour", "h", "minutes", "m", "minute", "m", "seconds", "s", "second", "s",
	"hrs", "h", "hr", "h", "mins", "m", "min", "m", "secs", "s", "sec", "s")

// parseMinutes reads 90, "1:30", "1h 30m", "1.5h", "1 hours 30 minutes" or seconds written "5400s".
func parseMinutes(v string) (int, error) {
	s := durationWords.Replace(strings.ToLower(strings.ReplaceAll(v, " ", "")))
	if h, m, ok := strings.Cut(s, ":"); ok {
		hh, e1 := strconv.Atoi(h)
		mm, e2 := strconv.Atoi(m[:min(2, len(m))])
		if e1 == nil && e2 == nil {
			return hh*60 + mm, nil
		}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 0 {
		return int(n + 0.5), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return int(d.Minutes() + 0.5), nil
	}
	return 0, fmt.Errorf("cannot read %q as time spent (use minutes, 1:30 or 1h30m)", v)
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// TicketID is the record ID of the ticket with source ID id in system: the same on
// every device and every import, so re-imports update and concurrent imports merge.
func TicketID(system, id string) string {
	sum := sha256.Sum256([]byte("import\x00" + system + "\x00" + id))
	return idEncoding.EncodeToString(sum[:16])
}

// number is an imported ticket's number: the source's, with the system's name.
func number(system, id string) string {
	if strings.HasPrefix(id, "row-") {
		id = id[4:12]
	}
	return strings.ToUpper(system) + "-" + id
}
