package httpapi

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestLeadWorkOverHTTP walks what a lead does in a week through the HTTP API the
// browser UI uses: an escalation path whose checklist the escalation must satisfy,
// a problem opened from tickets, a vendor case and its follow-up, onboarding, and
// the weekly summary page.
func TestLeadWorkOverHTTP(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	srv := httptest.NewServer(Handler(a, fstest.MapFS{}, testToken))
	defer srv.Close()
	ok := func(path, body string) map[string]any {
		t.Helper()
		status, m, raw := call(t, srv, testToken, "/api/"+path, body)
		if status != 200 {
			t.Fatalf("%s %s -> %d %s", path, body, status, raw)
		}
		return m
	}
	tk := ok("TicketService/Create", `[{"title":"Site B switch port flapping","category":"network"}]`)["id"].(string)
	tk2 := ok("TicketService/Create", `[{"title":"Site B offline again","category":"network"}]`)["id"].(string)

	ok("EscalationService/Save", `[{"category":"Network","tier2":{"technicians":["tech-net"]},
		"rules":{"slaRiskAtLeast":0.75,"priorityAtMost":1},
		"checklist":[{"text":"Switch logs attached","required":true},{"text":"Speed test"}]}]`)
	adv := ok("EscalationService/Advise", fmt.Sprintf(`[%q]`, tk))
	if adv["hasPath"] != true {
		t.Fatalf("advice = %v", adv)
	}
	esc := `{"toTier":2,"reason":"needs switch access","handover":"Port 12 flaps every few minutes; cable swapped"%s}`
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantInBody string
	}{
		{"missing checklist item", fmt.Sprintf(`[%q,`+esc+`]`, tk, ""), 400, `"field":"checklist.switch-logs-attached"`},
		{"confirmed", fmt.Sprintf(`[%q,`+esc+`]`, tk, `,"checklist":{"switch-logs-attached":true}`), 200, `"tier":2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := call(t, srv, testToken, "/api/TicketService/Escalate", tt.body)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantInBody) {
				t.Fatalf("escalate -> %d %s; want %d containing %q", status, body, tt.wantStatus, tt.wantInBody)
			}
		})
	}

	p := ok("ProblemService/Open", fmt.Sprintf(`[{"title":"Site B network drops","category":"network","tickets":[%q,%q]}]`, tk, tk2))
	if inc := p["incidents"].([]any); len(inc) != 2 {
		t.Fatalf("problem = %v", p)
	}
	if eff := p["effect"].(map[string]any); eff["before"] != 2.0 {
		t.Fatalf("effect = %v", eff)
	}
	status, _, body := call(t, srv, testToken, "/api/ProblemService/SetStatus", fmt.Sprintf(`[%q,"resolved"]`, p["id"]))
	if status != 400 || !strings.Contains(body, `"field":"fix"`) {
		t.Fatalf("resolve without a fix -> %d %s", status, body)
	}

	vendor := ok("DirectoryService/SaveContact", `["",{"name":"Acme Networks","type":"vendor","phone":"+49 30 1234"}]`)["id"].(string)
	today := time.Now().Format("2006-01-02")
	vc := ok("DirectoryService/SaveCase", fmt.Sprintf(`["",{"vendor":%q,"caseNumber":"RMA-1","type":"rma","title":"Switch PSU","nextFollowUp":%q,"tickets":[%q]}]`, vendor, today, tk))["id"].(string)
	call(t, srv, testToken, "/api/DirectoryService/Due", `[]`)
	if _, due, raw := call(t, srv, testToken, "/api/DirectoryService/Due", `[]`); due != nil || !strings.Contains(raw, "RMA-1") {
		t.Fatalf("due today -> %s", raw)
	}
	next := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	ok("DirectoryService/LogFollowUp", fmt.Sprintf(`[%q,{"note":"Vendor shipping a PSU","next":%q,"status":"shipped"}]`, vc, next))
	if _, _, raw := call(t, srv, testToken, "/api/DirectoryService/Due", `[]`); strings.Contains(raw, "RMA-1") {
		t.Fatalf("still due after the follow-up: %s", raw)
	}

	ob := ok("OnboardingService/Start", `[{"name":"Noor","role":"technician"}]`)
	ob = ok("OnboardingService/Tick", fmt.Sprintf(`[%q,"account",true,""]`, ob["id"]))
	if ob["progress"].(map[string]any)["done"] != 1.0 {
		t.Fatalf("onboarding = %v", ob["progress"])
	}

	status, _, page := call(t, srv, testToken, "/api/SummaryService/HTML", `[""]`)
	if status != 200 || !strings.Contains(page, "Weekly summary") || !strings.Contains(page, "Site B network drops") {
		t.Fatalf("summary page -> %d %.300s", status, page)
	}
	status, _, body = call(t, srv, testToken, "/api/SummaryService/Week", `["last week"]`)
	if status != 400 || !strings.Contains(body, `"field":"weekStart"`) {
		t.Fatalf("bad week -> %d %s", status, body)
	}
}
