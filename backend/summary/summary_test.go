package summary

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var week = Input{
	Team:      "Harbour IT",
	WeekStart: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
	Generated: time.Date(2026, 3, 9, 8, 30, 0, 0, time.UTC),
	This: Figures{Created: 42, Resolved: 38, Backlog: 17, SLACompliance: 91.3, SLAKnown: true, FCR: 64.2, FCRKnown: true,
		MTTRHours: 6.4, MTTRKnown: true, ReopenRate: 2.6, ReopenKnown: true, MinutesLogged: 2270},
	Last:           Figures{Created: 35, Resolved: 36, Backlog: 13, SLACompliance: 87.5, SLAKnown: true, FCR: 61, FCRKnown: true},
	Trends:         []Trend{{Name: "vpn", ThisWeek: 9, Baseline: 3}},
	Breaches:       []Breach{{Number: "K3QF-12", Title: "Payroll share unreachable <all sites>", Priority: 2, Target: "resolution", Assignee: "Sam"}, {Number: "K3QF-19", Title: "New starter laptop", Priority: 3, Target: "response"}},
	ProblemsOpened: []Problem{{Title: "VPN drops after rekey", Lens: "system", Incidents: 9}},
	ProblemsClosed: []Problem{{Title: "Printer driver crashes", Verdict: "It worked: incidents fell from 4.0 to 0.5 a week after the fix."}},
	VendorDue:      []VendorCase{{Vendor: "Acme Hardware", CaseNumber: "RMA-7731", Title: "Fan replacement", DaysOverdue: 2}},
	Agreements:     []string{"Contract ACME-2291 expires in 21 days (2026-03-30)."},
}

func TestWrite(t *testing.T) {
	t.Parallel()
	s := Write(week)
	want := "42 tickets opened and 38 resolved, 91.3% of SLA targets met and the backlog grew to 17."
	if s.Headline != want {
		t.Fatalf("headline = %q\nwant       %q", s.Headline, want)
	}
	all := ""
	for _, sec := range s.Sections {
		all += strings.Join(sec.Sentences, "\n") + "\n"
	}
	for _, sen := range []string{
		"91.3% of SLA targets due this week were met, up 3.8 points from the week before.",
		"Tickets in vpn: 9 this week against about 3 a week before (tripled).",
		"2 SLA targets breached: 1 on response and 1 on resolution.",
		"Opened: VPN drops after rekey, with 9 incidents linked; the cause looks like a system issue.",
		"Follow up with Acme Hardware on case RMA-7731 (Fan replacement): 2 days overdue.",
		"The team logged 37.8 hours of work.",
	} {
		if !strings.Contains(all, sen) {
			t.Errorf("missing sentence %q in\n%s", sen, all)
		}
	}
}

func TestQuietWeek(t *testing.T) {
	t.Parallel()
	s := Write(Input{WeekStart: week.WeekStart, This: Figures{Created: 1, Backlog: 2}, Last: Figures{Backlog: 2}})
	if s.Headline != "1 ticket opened and 0 resolved and the backlog held at 2." {
		t.Fatalf("headline = %q", s.Headline)
	}
	for _, sec := range s.Sections {
		if len(sec.Sentences) == 0 {
			t.Fatalf("section %s says nothing", sec.Heading)
		}
	}
}

// TestHTML compares the page with a golden file and checks it is self-contained and escaped.
func TestHTML(t *testing.T) {
	t.Parallel()
	page, err := HTML(Write(week))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "src=", "href=", "<all sites>"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !bytes.Contains(page, []byte("&lt;all sites&gt;")) {
		t.Error("ticket title not escaped")
	}
	golden := filepath.Join("testdata", "week.html")
	if *update {
		if err := os.WriteFile(golden, page, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update once to write it)", err)
	}
	if !bytes.Equal(page, want) {
		t.Fatalf("page differs from %s; look at it and rerun with -update if the change is intended", golden)
	}
}

func TestTrendStatementFromTheReports(t *testing.T) {
	t.Parallel()
	s := Write(Input{WeekStart: week.WeekStart, Trends: []Trend{{Name: "vpn", Statement: "vpn tickets tripled over the last three weeks"}}})
	for _, sec := range s.Sections {
		if sec.Heading == "Trends" {
			if len(sec.Sentences) != 1 || sec.Sentences[0] != "Vpn tickets tripled over the last three weeks." {
				t.Fatalf("trend sentences = %q", sec.Sentences)
			}
			return
		}
	}
	t.Fatal("no Trends section")
}
