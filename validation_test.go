package main

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"outpost/backend/assign"
	"outpost/backend/coaching"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/directory"
	"outpost/backend/escalation"
	"outpost/backend/onboarding"
	"outpost/backend/person"
	"outpost/backend/plan"
	"outpost/backend/problem"
	"outpost/backend/review"
	"outpost/backend/schedule"
	"outpost/backend/sla"
	"outpost/backend/sop"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

// Signs of a message written for the code rather than a person.
var (
	indexed   = regexp.MustCompile(`\[\d*\]`)
	camelCase = regexp.MustCompile(`\b[a-z]+[A-Z][A-Za-z]*\b`)
	fraction  = regexp.MustCompile(`0 (to|and) 1\b|\bshare\b`)
)

// inHumanWords reports what in msg, the message of a field error at path, is not
// written for a person: the path, a list index, a JSON name, or (for a percent
// field) a fraction.
func inHumanWords(msg, path string, percent bool) []string {
	var bad []string
	if strings.ContainsAny(path, ".[") || camelCase.MatchString(path) || msg != "" && !unicode.IsUpper([]rune(msg)[0]) {
		if strings.Contains(msg, path) {
			bad = append(bad, "names the path "+path)
		}
	}
	if m := indexed.FindString(msg); m != "" {
		bad = append(bad, "holds the index "+m)
	}
	if m := camelCase.FindString(msg); m != "" {
		bad = append(bad, "holds the JSON name "+m)
	}
	if r := []rune(msg); len(r) == 0 || !unicode.IsUpper(r[0]) {
		bad = append(bad, "does not start with a label")
	}
	if percent && fraction.MatchString(msg) {
		bad = append(bad, "speaks of a fraction where the form shows percent")
	}
	return bad
}

func TestValidationErrorsReadInHumanWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }
	paths := escalation.NewService(st)
	problems := problem.NewService(st, now)
	dir := directory.NewService(st, now)
	onboard := onboarding.NewService(st, now)
	sops := sop.NewService(st, now)

	profile := func(edit func(*technician.Profile)) func() error {
		return func() error {
			p := technician.Profile{Name: "Noor", Hours: schedule.Hours{Zone: "Europe/Berlin"}}
			edit(&p)
			p.Normalize()
			return p.Validate()
		}
	}
	settings := func(edit func(*sla.Settings)) func() error {
		return func() error {
			s := sla.DefaultSettings()
			edit(&s)
			return s.Validate()
		}
	}
	path := func(edit func(*escalation.Input)) func() error {
		return func() error {
			in := escalation.Input{Category: "network"}
			edit(&in)
			_, err := paths.Save(ctx, "lead", in)
			return err
		}
	}
	goodPlan := plan.Content{Title: "Faster first replies", Start: "2026-03-02", End: "2026-04-26", Status: plan.StatusActive,
		Goals: []plan.Goal{{Metric: plan.Metrics()[0].Metric, Target: 1}}}
	planWith := func(edit func(*plan.Content)) func() error {
		return func() error {
			c := goodPlan
			c.Goals = append([]plan.Goal(nil), goodPlan.Goals...)
			edit(&c)
			return c.Validate()
		}
	}
	text := func(s string) *string { return &s }

	cases := []struct {
		name    string
		call    func() error
		percent bool
	}{
		{"technician time zone", profile(func(p *technician.Profile) { p.Hours.Zone = "Mars/Olympus" }), false},
		{"technician e-mail", profile(func(p *technician.Profile) { p.Email = "not an address" }), false},
		{"technician shift start", profile(func(p *technician.Profile) {
			p.Hours.Shifts = []schedule.Shift{{Day: time.Monday, Start: "9", End: "17:00"}}
		}), false},
		{"technician shift day", profile(func(p *technician.Profile) {
			p.Hours.Shifts = []schedule.Shift{{Day: 9, Start: "09:00", End: "17:00"}}
		}), false},
		{"time off from", profile(func(p *technician.Profile) { p.TimeOff = []schedule.TimeOff{{From: "soon", To: "2026-12-31"}} }), false},
		{"time off until", profile(func(p *technician.Profile) {
			p.TimeOff = []schedule.TimeOff{{From: "2026-12-24", To: "2026-12-31"}, {From: "2026-12-31", To: "2026-12-24"}}
		}), false},
		{"time off missing date", profile(func(p *technician.Profile) { p.TimeOff = []schedule.TimeOff{{From: "2026-12-24"}} }), false},
		{"time off note", profile(func(p *technician.Profile) {
			p.TimeOff = []schedule.TimeOff{{From: "2026-12-24", To: "2026-12-31", Note: strings.Repeat("x", 400)}}
		}), false},
		{"skill", profile(func(p *technician.Profile) { p.Skills = map[string]int{"vpn": 9} }), false},
		{"SLA time zone", settings(func(s *sla.Settings) { s.Calendar.Zone = "" }), false},
		{"SLA unknown time zone", settings(func(s *sla.Settings) { s.Calendar.Zone = "Mars/Olympus" }), false},
		{"SLA business day", settings(func(s *sla.Settings) { s.Calendar.DayMinutes = 30 }), false},
		{"SLA working hours", settings(func(s *sla.Settings) { s.Calendar.Week[1] = sla.WorkingHours{Open: "17:00", Close: "09:00"} }), false},
		{"SLA working hours format", settings(func(s *sla.Settings) { s.Calendar.Week[1] = sla.WorkingHours{Open: "9", Close: "17"} }), false},
		{"SLA no working day", settings(func(s *sla.Settings) { s.Calendar.Week = [7]sla.WorkingHours{} }), false},
		{"SLA holiday", settings(func(s *sla.Settings) { s.Calendar.Holidays = []string{"25.12.2026"} }), false},
		{"SLA warnings", settings(func(s *sla.Settings) { s.Policy.WarnAt = [2]int{90, 75} }), true},
		{"SLA target", settings(func(s *sla.Settings) { s.Policy.Targets[1].Resolution.Amount = 0 }), false},
		{"SLA target unit", settings(func(s *sla.Settings) { s.Policy.Targets[1].Resolution.Unit = "weeks" }), false},
		{"SLA response after resolution", settings(func(s *sla.Settings) { s.Policy.Targets[0].Response = sla.Span{Amount: 9, Unit: sla.Hours} }), false},
		{"escalation category", path(func(in *escalation.Input) { in.Category = "" }), false},
		{"escalation SLA risk", path(func(in *escalation.Input) { in.Rules.SLARiskAtLeast = 1.5 }), true},
		{"escalation priority", path(func(in *escalation.Input) { in.Rules.PriorityAtMost = 7 }), false},
		{"escalation hours", path(func(in *escalation.Input) { in.Rules.HoursInTierOver = -1 }), false},
		{"escalation contact", path(func(in *escalation.Input) { in.Tier2.Contact = "a\x00b" }), false},
		{"escalation checklist", func() error {
			p := escalation.Path{Category: "network", Checklist: []escalation.Item{{ID: "trace", Text: "Traceroute attached", Required: true}}}
			return escalation.Check(p, nil)
		}, false},
		{"ticket requester", func() error {
			n := ticket.NewTicket{Title: "VPN down", Impact: ticket.High, Urgency: ticket.High, Requester: ticket.Requester{Name: strings.Repeat("x", 300)}}
			return n.Validate()
		}, false},
		{"ticket tags", func() error {
			n := ticket.NewTicket{Title: "VPN down", Impact: ticket.High, Urgency: ticket.High, Source: ticket.SourcePhone, Tags: []string{"a:b"}}
			return n.Validate()
		}, false},
		{"plan goal target", planWith(func(c *plan.Content) { c.Goals[0].Target = 500 }), false},
		{"plan goal metric", planWith(func(c *plan.Content) { c.Goals[0].Metric = "mood" }), false},
		{"plan goal note", planWith(func(c *plan.Content) { c.Goals[0].Note = strings.Repeat("x", 600) }), false},
		{"review score", func() error {
			return review.Content{Ticket: "t1", Date: "2026-03-10"}.Validate()
		}, false},
		{"assignment limit", func() error {
			s := assign.Settings{MaxOpen: 0}
			return s.Validate()
		}, false},
		{"person technician profile", func() error {
			return person.Profile{Name: "Noor", Role: person.Role("lead"), TechnicianID: "no such id!"}.Validate()
		}, false},
		{"coaching date", func() error { return coaching.Content{Type: "note", Title: "1:1", Body: "ok", Date: "soon"}.Validate() }, false},
		{"problem training", func() error {
			_, err := problems.Update(ctx, "lead", "p1", problem.Patch{Training: &problem.Training{Item: "VPN basics"}})
			return err
		}, false},
		{"problem change request", func() error {
			_, err := problems.Update(ctx, "lead", "p1", problem.Patch{ChangeRequest: &problem.ChangeRequest{Text: "open port", Team: "net", Status: "maybe"}})
			return err
		}, false},
		{"problem title", func() error {
			_, err := problems.Update(ctx, "lead", "p1", problem.Patch{Title: text("")})
			return err
		}, false},
		{"vendor case number", func() error {
			_, err := dir.SaveCase(ctx, "lead", "", directory.CaseInput{Vendor: "v1", Title: "RMA"})
			return err
		}, false},
		{"agreement terms", func() error {
			_, err := dir.SaveAgreement(ctx, "lead", "", directory.AgreementInput{Vendor: "v1", Contract: "C-1", ResponseTerms: "a\x00b", Expires: "2027-01-01"})
			return err
		}, false},
		{"onboarding template", func() error {
			_, err := onboard.SaveTemplate(ctx, "lead", "technician", []onboarding.TemplateItem{{Section: "party", Text: "Cake"}})
			return err
		}, false},
		{"SOP review date", func() error {
			_, err := sops.Create(ctx, "lead", sop.NewSOP{Title: "Reset VPN", Body: "Steps to follow here", ReviewBy: "soon"})
			return err
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			fe, ok := field.As(err)
			if !ok {
				t.Fatalf("got %v, want a field error", err)
			}
			if bad := inHumanWords(err.Error(), fe.Field, c.percent); len(bad) > 0 {
				t.Errorf("%q (field %s) %s", err.Error(), fe.Field, strings.Join(bad, "; "))
			}
		})
	}
}
