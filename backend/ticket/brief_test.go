package ticket

import (
	"context"
	"reflect"
	"testing"
	"time"

	"outpost/backend/core/store/storetest"
)

// Brief reads a ticket as FromRecord does, less its comments and escalations: those
// added here and the old system's alike. Everything else, work logs from both
// systems and the timeline among them, is the same.
func TestBriefIsTheTicketWithoutCommentsOrEscalations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t)
	s := NewService(st, nil)
	when := time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC)
	if _, err := s.Import(ctx, "import", Imported{ID: "imp1", Number: "OLD-1",
		NewTicket: NewTicket{Title: "Printer jams", Requester: Requester{Name: "Dana", Contact: "dana@example.com"}},
		Status:    StatusInProgress,
		Origin: Origin{System: "jsm", SourceID: "1", Created: when, FirstResponse: when.Add(time.Hour), Updated: when.Add(2 * time.Hour),
			Comments: []Comment{{Author: "Lee", At: when.Add(time.Hour), Body: "Tried the tray; \"still\" jams \u00e9"}},
			WorkLogs: []WorkLog{{Author: "Lee", At: when.Add(time.Hour), Minutes: 15, Note: "tray"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Comment(ctx, "alice", "imp1", "Ordered a roller", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogWork(ctx, "alice", "imp1", 20, "roller"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Escalate(ctx, "alice", "imp1", EscalateInput{ToTier: 2, Reason: "hardware", Handover: "roller ordered, tray cleaned twice"}); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Get(Kind, "imp1")
	if err != nil {
		t.Fatal(err)
	}
	full, brief := FromRecord(rec), Brief(rec)
	if len(full.Comments) != 2 || len(full.Escalations) != 1 || len(full.WorkLogs) != 2 {
		t.Fatalf("the full ticket has %d comments, %d escalations, %d work logs; want 2, 1, 2",
			len(full.Comments), len(full.Escalations), len(full.WorkLogs))
	}
	if len(brief.Comments) != 0 || len(brief.Escalations) != 0 {
		t.Fatalf("brief has %d comments and %d escalations, want none", len(brief.Comments), len(brief.Escalations))
	}
	want, origin := full, *full.Origin
	want.Comments, want.Escalations, want.Origin = []Comment{}, []Escalation{}, &origin
	origin.Comments = nil
	if !reflect.DeepEqual(*brief.Origin, origin) {
		t.Fatalf("brief's origin differs beyond its comments:\n brief %+v\n want  %+v", *brief.Origin, origin)
	}
	if !reflect.DeepEqual(brief, want) {
		t.Fatalf("brief differs from the full ticket beyond its comments:\n brief %+v\n want  %+v", brief, want)
	}
	if brief.Origin == nil || !brief.Origin.FirstResponse.Equal(when.Add(time.Hour)) || brief.Created != when {
		t.Fatalf("brief lost the origin's dates: %+v", brief.Origin)
	}
}
