package csvio

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/store/storetest"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// fixturePeople are the technicians the fixtures' names and addresses match.
var fixturePeople = Match([]Person{
	{ID: "tech-zoe", Name: "Zoë Müller", Email: "zoe@example.org"},
	{ID: "tech-pedro", Name: "Pedro Álvarez", Email: "pedro@example.org"},
})

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// want is what one imported ticket must hold; zero fields must be empty.
type want struct {
	ref, title, desc, status, category, requester, contact, site, assignee, originAssignee, group string
	priority                                                                                      int
	impact, urgency                                                                               ticket.Level
	source                                                                                        ticket.Source
	tags                                                                                          []string
	created, firstResponse, resolved, closed, updated                                             string
	sla                                                                                           sla.State
	minutes                                                                                       int
	comments                                                                                      []ticket.Comment
}

func TestPresetsImportEachToolsExport(t *testing.T) {
	t.Parallel()
	c := func(when, author, body string) ticket.Comment {
		var ts time.Time
		if when != "" {
			ts = at(when)
		}
		return ticket.Comment{At: ts, Author: author, Body: body}
	}
	tests := []struct {
		file, system, label, delim, encoding string
		tickets                              []want
	}{
		{"glpi.csv", "glpi", "GLPI", ";", EncUTF8BOM, []want{
			{ref: "1042", title: "Imprimante bloquée au 2ᵉ étage", desc: "Le bac 2 bloque\nchaque matin, ''urgent''", status: "closed",
				category: "Printing", requester: "Ana Costa", assignee: "tech-zoe", group: "Support N1", priority: 3,
				impact: ticket.Medium, urgency: ticket.Medium, created: "2024-03-01 09:15", resolved: "2024-03-02 16:40",
				closed: "2024-03-04 17:20", updated: "2024-03-04 17:20", sla: sla.Met, minutes: 90,
				comments: []ticket.Comment{c("", "", "Bac nettoyé"), c("", "", "Rouleau remplacé, testé avec Ana")}},
			{ref: "1043", title: "VPN drops hourly", desc: "Drops every hour since the update", status: "assigned", category: "Network > VPN",
				requester: "Li Wen", assignee: "tech-pedro", group: "Network", priority: 1, impact: ticket.High, urgency: ticket.High,
				created: "2024-03-05 08:00", updated: "2024-03-05 10:00", sla: sla.Breached},
			{ref: "1044", title: "Nouvel écran pour Søren", desc: "Écran 27 pouces", status: "resolved", category: "Hardware",
				requester: "Søren Kierkegaard", originAssignee: "Jürgen Weiß", group: "Support N1", priority: 4,
				impact: ticket.Medium, urgency: ticket.Low, created: "2024-03-06 14:05", resolved: "2024-03-07 11:00",
				updated: "2024-03-07 11:00", sla: sla.Met, minutes: 45, comments: []ticket.Comment{c("", "", "Commandé")}},
		}},
		{"zammad.csv", "zammad", "Zammad", ",", EncUTF8, []want{
			{ref: "31001", title: "Mailbox full, cannot send", status: "in_progress", requester: "Björn Ångström", site: "Nordic Ltd",
				assignee: "tech-zoe", group: "Service Desk", priority: 2, impact: ticket.High, urgency: ticket.Medium,
				source: ticket.SourceEmail, tags: []string{"mail", "quota"}, created: "2024-05-01 08:00", firstResponse: "2024-05-01 08:20",
				updated: "2024-05-02 09:30", minutes: 45},
			{ref: "31002", title: "Laptop for the new hire", status: "closed", requester: "Ana Costa", assignee: "tech-pedro",
				group: "Hardware", priority: 3, impact: ticket.Medium, urgency: ticket.Medium, source: ticket.SourcePhone,
				created: "2024-05-02 08:00", firstResponse: "2024-05-02 08:05", closed: "2024-05-06 16:00", updated: "2024-05-06 16:00", minutes: 90},
			{ref: "31003", title: "Printer offline", status: "new", requester: "Li Wen", group: "Service Desk", priority: 4,
				impact: ticket.Medium, urgency: ticket.Low, source: ticket.SourceSelf, tags: []string{"printer"},
				created: "2024-05-03 07:45", updated: "2024-05-03 07:45"},
			{ref: "31004", title: "Reset MFA token", status: "waiting_requester", requester: "Søren Kierkegaard", originAssignee: "Jürgen Weiß",
				group: "Service Desk", priority: 3, impact: ticket.Medium, urgency: ticket.Medium, source: ticket.SourcePhone,
				tags: []string{"channel-note", "mfa"}, created: "2024-05-04 10:00", firstResponse: "2024-05-04 10:10", updated: "2024-05-05 10:00", minutes: 10},
		}},
		{"osticket.csv", "osticket", "osTicket", ",", EncUTF8, []want{
			{ref: "582144", title: "Wi-Fi im 3. Stock langsam", status: "assigned", category: "Network", requester: "Jürgen Weiß",
				contact: "jurgen@example.com", assignee: "tech-zoe", group: "IT Support", priority: 2, impact: ticket.High, urgency: ticket.Medium,
				source: ticket.SourceSelf, created: "2024-04-02 09:30", updated: "2024-04-02 11:00"},
			{ref: "582145", title: `Access to the "Finance" share`, status: "closed", category: "Access", requester: "Ana Costa",
				contact: "ana@example.com", assignee: "tech-pedro", group: "IT Support", priority: 3, impact: ticket.Medium, urgency: ticket.Medium,
				source: ticket.SourceEmail, created: "2024-04-03 14:00", closed: "2024-04-04 10:15", updated: "2024-04-04 10:15"},
			{ref: "582146", title: "Phone handset broken, needs replacement", status: "new", category: "Hardware", requester: "Søren Kierkegaard",
				contact: "soren@example.com", group: "Facilities", priority: 1, impact: ticket.High, urgency: ticket.High,
				source: ticket.SourcePhone, created: "2024-04-05 08:10", updated: "2024-04-05 08:10"},
			{ref: "582147", title: "Old report request", status: "resolved", category: "General Inquiry", requester: "Li Wen",
				contact: "li@example.com", originAssignee: "Jürgen Weiß", group: "IT Support", priority: 4, impact: ticket.Medium, urgency: ticket.Low,
				tags: []string{"channel-other"}, created: "2024-04-06 12:00", closed: "2024-04-08 09:00", updated: "2024-04-08 09:00"},
		}},
		{"freshservice.csv", "freshservice", "Freshservice", ",", EncUTF8, []want{
			{ref: "INC-311", title: "Cannot print to Étage 2", desc: "Tray empty, then\npaper jam", status: "resolved", category: "Hardware",
				requester: "Jo Bell", contact: "jo@example.com", assignee: "tech-zoe", group: "Hardware Team", priority: 4,
				impact: ticket.Low, urgency: ticket.Low, source: ticket.SourceSelf, tags: []string{"floor2", "printer"},
				created: "2024-02-14 10:30", firstResponse: "2024-02-14 10:45", resolved: "2024-02-14 15:00", updated: "2024-02-14 15:00",
				sla: sla.Met, minutes: 75},
			{ref: "SR-312", title: "Account locked", status: "closed", category: "Access", requester: "Márta Nagy", contact: "marta@example.com",
				assignee: "tech-pedro", group: "Service Desk", priority: 1, impact: ticket.High, urgency: ticket.High, source: ticket.SourcePhone,
				created: "2024-02-15 11:00", firstResponse: "2024-02-15 11:05", resolved: "2024-02-15 14:30", closed: "2024-02-16 09:00",
				updated: "2024-02-16 09:00", sla: sla.Breached, minutes: 20},
			{ref: "INC-313", title: "VPN slow from home", desc: "Since Monday, every afternoon", status: "new", requester: "Bo Ek",
				contact: "bo@example.com", group: "Network Team", priority: 3, impact: ticket.Medium, urgency: ticket.Medium,
				source: ticket.SourceEmail, tags: []string{"vpn"}, created: "2024-02-16 08:00", updated: "2024-02-16 08:00"},
		}},
		{"jsm.csv", "jsm", "Jira Service Management", ",", EncUTF8, []want{
			{ref: "ITSD-101", title: "VPN disconnects every hour", desc: "The VPN drops hourly.\nStarted after the update.", status: "resolved",
				category: "Report a system problem", requester: "Søren Kierkegaard", assignee: "tech-zoe", priority: 2,
				impact: ticket.High, urgency: ticket.Medium, tags: []string{"remote", "vpn"}, created: "2024-03-12 09:05",
				resolved: "2024-03-13 16:30", updated: "2024-03-13 16:30", minutes: 90, comments: []ticket.Comment{
					c("2024-03-12 09:40", "tech-zoe", "Looking into it. Which client version?"),
					c("2024-03-12 10:02", "5b10ac8d82e05b22cc7d4ef5", "Version 5.1, on Wi-Fi and cable"),
					c("2024-03-13 16:29", "tech-pedro", "Replaced the concentrator's certificate;\nworks again.")}},
			{ref: "ITSD-102", title: "New laptop for Márta", status: "in_progress", category: "Request new hardware", requester: "Márta Nagy",
				priority: 3, impact: ticket.Medium, urgency: ticket.Medium, tags: []string{"hardware"}, created: "2024-03-14 13:00", updated: "2024-03-14 13:00"},
			{ref: "ITSD-103", title: "Password reset", desc: "Locked out after holidays", status: "closed", category: "Get IT help", requester: "Li Wen",
				originAssignee: "Jürgen Weiß", priority: 1, impact: ticket.High, urgency: ticket.High, created: "2024-03-15 08:00",
				resolved: "2024-03-15 08:20", updated: "2024-03-15 08:30", minutes: 10,
				comments: []ticket.Comment{c("2024-03-15 08:10", "Jürgen Weiß", "Reset done")}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", tc.file)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Analyze(f, Options{})
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if a.System != tc.system || a.Preset != tc.label || !a.Detected || a.Delimiter != tc.delim || a.Encoding != tc.encoding || a.ErrorCount != 0 {
				t.Fatalf("detected %q (%q, %v), delimiter %q, encoding %q, errors %v", a.System, a.Preset, a.Detected, a.Delimiter, a.Encoding, a.Errors)
			}
			// The reason shown for the preset: at least the two of its own columns that detection needs, named as in the file.
			if p, _ := PresetByName(tc.system); len(a.Clues) < 2 || a.Source != p.Source || !slices.Contains(a.Header, a.Clues[0]) {
				t.Fatalf("clues %q, source %q", a.Clues, a.Source)
			}
			st := storetest.Open(t)
			svc := ticket.NewService(st, nil)
			src := func() (io.ReadCloser, error) { return os.Open(path) }
			res, err := Import(context.Background(), st, svc, "alice", src, Options{}, false, Known{Technicians: fixturePeople}, nil)
			if err != nil || res.Imported != len(tc.tickets) || res.System != tc.system {
				t.Fatalf("Import = %+v, %v", res, err)
			}
			if n, _ := countTickets(t, st); n != len(tc.tickets) {
				t.Fatalf("%d tickets, want %d", n, len(tc.tickets))
			}
			for _, w := range tc.tickets {
				got, err := svc.Get(TicketID(tc.system, w.ref))
				if err != nil {
					t.Fatalf("%s: %v", w.ref, err)
				}
				checkImported(t, tc.system, got, w)
			}
		})
	}
}

func checkImported(t *testing.T, system string, got ticket.Ticket, w want) {
	t.Helper()
	o := got.Origin
	if o == nil {
		t.Fatalf("%s: no origin", w.ref)
	}
	date := func(name string, g time.Time, s string) {
		if s == "" && !g.IsZero() || s != "" && !g.Equal(at(s)) {
			t.Errorf("%s: %s = %s, want %q", w.ref, name, g, s)
		}
	}
	date("created", got.Created, w.created)
	date("origin created", o.Created, w.created)
	date("first response", o.FirstResponse, w.firstResponse)
	date("resolved", o.Resolved, w.resolved)
	date("closed", o.Closed, w.closed)
	date("updated", o.Updated, w.updated)
	source := w.source
	if source == "" {
		source = ticket.SourcePhone // Outpost's default when the export has no channel
	}
	tags := slices.Clone(got.Tags)
	slices.Sort(tags)
	check := []struct {
		name      string
		got, want any
	}{
		{"number", got.Number, strings.ToUpper(system) + "-" + w.ref}, {"title", got.Title, w.title}, {"description", got.Description, w.desc},
		{"status", string(got.Status), w.status}, {"category", got.Category, w.category}, {"requester", got.Requester.Name, w.requester},
		{"contact", got.Requester.Contact, w.contact}, {"site", got.Requester.Site, w.site}, {"assignee", got.Assignee, w.assignee},
		{"imported assignee", o.Assignee, w.originAssignee}, {"group", o.Group, w.group}, {"priority", got.Priority, w.priority},
		{"impact", got.Impact, w.impact}, {"urgency", got.Urgency, w.urgency}, {"source", got.Source, source},
		{"tags", strings.Join(tags, ","), strings.Join(w.tags, ",")}, {"sla", o.SLA, w.sla}, {"system", o.System, system},
		{"source id", o.SourceID, w.ref},
	}
	for _, c := range check {
		if c.got != c.want {
			t.Errorf("%s: %s = %q, want %q", w.ref, c.name, c.got, c.want)
		}
	}
	minutes := 0
	for _, l := range got.WorkLogs {
		minutes += l.Minutes
	}
	if minutes != w.minutes {
		t.Errorf("%s: %d minutes logged, want %d", w.ref, minutes, w.minutes)
	}
	if len(got.Comments) != len(w.comments) {
		t.Fatalf("%s: comments %+v, want %+v", w.ref, got.Comments, w.comments)
	}
	for i, c := range got.Comments {
		wc := w.comments[i]
		if c.Author != wc.Author || !c.At.Equal(wc.At) || c.Body != wc.Body || c.Internal {
			t.Errorf("%s: comment %d = %+v, want %+v", w.ref, i, c, wc)
		}
	}
}

func TestPresetMappingCanBeOverridden(t *testing.T) {
	t.Parallel()
	f, _ := os.ReadFile("testdata/zammad.csv")
	a, err := Analyze(strings.NewReader(string(f)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Override(a.Header, a.Mapping, "Organization=,Sender=category")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Analyze(strings.NewReader(string(f)), Options{Mapping: m})
	if err != nil || b.System != "zammad" || b.Rows[0].Ticket.Requester.Site != "" || b.Rows[0].Ticket.Category != "Customer" {
		t.Fatalf("overridden: %v system %q, row %+v", err, b.System, b.Rows[0].Ticket)
	}
	// A named preset reads a file whose header it would not recognise alone.
	c, err := Analyze(strings.NewReader("Subject,Current Status\nPrinter,Open\n"), Options{System: "osticket"})
	if err != nil || c.System != "osticket" || c.Detected || c.Rows[0].Status != ticket.StatusNew {
		t.Fatalf("named preset: %v %+v", err, c)
	}
	// A header of no known tool is read by its column names, as system "csv".
	d, err := Analyze(strings.NewReader("Title,Status\nPrinter,Open\n"), Options{})
	if err != nil || d.System != "csv" || d.Preset != "" || d.Detected {
		t.Fatalf("plain csv: %v %+v", err, d)
	}
}
