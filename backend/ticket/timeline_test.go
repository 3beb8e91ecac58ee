package ticket

import (
	"context"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/sla"
)

// steppingClock advances a minute on every reading, so each action gets its own time.
func steppingClock(start time.Time) func() time.Time {
	t := start
	return func() time.Time { t = t.Add(time.Minute); return t }
}

func eventString(es []Event) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, string(e.Type)+":"+e.From+">"+e.To)
	}
	return strings.Join(parts, " ")
}

func TestLifecycleEventsAreWrittenWithTheChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenWith(t, store.Options{Now: steppingClock(time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))})
	s := NewService(st, nil)
	tk, err := s.Create(ctx, "alice", NewTicket{Title: "Printer jams", Impact: Medium, Urgency: Medium, Requester: Requester{Name: "Rita"}})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() (Ticket, error)
		want string // the events added by this step
	}{
		{"internal comment is no response", func() (Ticket, error) { return s.Comment(ctx, "alice", tk.ID, "looking", true) }, ""},
		{"requester's own comment is no response", func() (Ticket, error) { return s.Comment(ctx, "Rita", tk.ID, "still jams", false) }, ""},
		{"public reply by an agent", func() (Ticket, error) { return s.Comment(ctx, "alice", tk.ID, "on my way", false) }, "response:>"},
		{"second reply adds nothing", func() (Ticket, error) { return s.Comment(ctx, "alice", tk.ID, "there now", false) }, ""},
		{"assign moves to assigned", func() (Ticket, error) { return s.Assign(ctx, "alice", tk.ID, "tom") }, "assignee:>tom status:new>assigned"},
		{"same assignee adds nothing", func() (Ticket, error) { return s.Assign(ctx, "alice", tk.ID, "tom") }, ""},
		{"waiting", func() (Ticket, error) { return s.Transition(ctx, "tom", tk.ID, StatusWaitingRequester, "") }, "status:assigned>waiting_requester"},
		{"urgency raises the priority", func() (Ticket, error) { u := High; return s.Update(ctx, "tom", tk.ID, Patch{Urgency: &u}) }, "priority:3>2"},
		{"title change adds nothing", func() (Ticket, error) {
			x := "Printer jams on tray 2"
			return s.Update(ctx, "tom", tk.ID, Patch{Title: &x})
		}, ""},
		{"override", func() (Ticket, error) { return s.OverridePriority(ctx, "tom", tk.ID, 1, "CEO's printer") }, "priority:2>1"},
		{"escalate", func() (Ticket, error) {
			return s.Escalate(ctx, "tom", tk.ID, EscalateInput{ToTier: 2, To: "ana", Reason: "hardware", Handover: "fuser unit worn; part ordered, needs fitting"})
		}, "escalation:1>2 assignee:tom>ana status:waiting_requester>assigned"},
		{"resolve", func() (Ticket, error) { return s.Resolve(ctx, "ana", tk.ID, "fixed", "fixed it") }, "status:assigned>resolved"},
		{"reopen", func() (Ticket, error) { return s.Transition(ctx, "ana", tk.ID, StatusReopened, "") }, "status:resolved>reopened"},
		{"refused move adds nothing", func() (Ticket, error) { return s.Transition(ctx, "ana", tk.ID, StatusClosed, "") }, ""},
	}
	seen := 0
	for _, step := range steps {
		got, _ := step.do()
		if got.ID == "" {
			got, _ = s.Get(tk.ID)
		}
		added := eventString(got.Events[seen:])
		if added != step.want {
			t.Fatalf("%s: added events %q, want %q", step.name, added, step.want)
		}
		seen = len(got.Events)
	}
	final, err := s.Get(tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(final.Events); i++ {
		if final.Events[i].At.Before(final.Events[i-1].At) {
			t.Fatalf("events out of order: %v", final.Events)
		}
	}
	tl := final.Timeline()
	if tl.Priority != 3 || !tl.Created.Equal(final.Created) || len(tl.Events) != len(final.Events) {
		t.Fatalf("timeline = %+v", tl)
	}
	// The timeline feeds the SLA engine: responded at the public reply (4 minutes in, P3), reopened now.
	e, err := sla.NewEngine(sla.Settings{Policy: sla.DefaultPolicy(), Calendar: func() sla.Calendar {
		c := sla.DefaultCalendar()
		c.AllHours = true
		return c
	}()})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Evaluate(tl, final.Updated)
	if !res.Open || res.Response.State != sla.Met || res.Response.Priority != 3 || res.Response.Elapsed != 3*time.Minute || res.Resolution.Priority != 1 {
		t.Fatalf("sla = %+v", res)
	}
}

func TestTimelineOfATicketWithoutEvents(t *testing.T) {
	t.Parallel()
	created, updated := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), time.Date(2025, 1, 7, 9, 0, 0, 0, time.UTC)
	tk := Ticket{Summary: Summary{Status: StatusInProgress, Priority: 2, Created: created, Updated: updated}}
	tl := tk.Timeline()
	if tl.Priority != 2 || len(tl.Events) != 1 || tl.Events[0] != (sla.Event{At: updated, Type: sla.EventStatus, Value: "in_progress"}) {
		t.Fatalf("timeline = %+v", tl)
	}
}

func TestSLAReadsTheLifecycleStatuses(t *testing.T) {
	t.Parallel()
	for _, s := range []Status{StatusNew, StatusAssigned, StatusInProgress, StatusWaitingRequester, StatusWaitingThirdParty, StatusResolved, StatusClosed, StatusReopened} {
		if sla.Paused(string(s)) != s.Paused() || sla.Stopped(string(s)) != !s.Open() {
			t.Errorf("status %s: sla paused %v stopped %v, ticket paused %v open %v", s, sla.Paused(string(s)), sla.Stopped(string(s)), s.Paused(), s.Open())
		}
	}
	if sla.StatusNew != string(StatusNew) || sla.StatusReopened != string(StatusReopened) || sla.StatusResolved != string(StatusResolved) {
		t.Error("sla status names differ from the lifecycle's")
	}
}
