package assign

import (
	"errors"
	"strings"
	"testing"
	"time"

	"outpost/backend/schedule"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func team() []Candidate {
	berlin := schedule.Schedule{Hours: schedule.WeekdayHours("Europe/Berlin", "09:00", "17:00")}
	onHoliday := berlin
	onHoliday.TimeOff = []schedule.TimeOff{{From: "2026-11-23", To: "2026-11-23", Note: "holiday"}}
	newYork := schedule.Schedule{Hours: schedule.WeekdayHours("America/New_York", "09:00", "17:00")}
	return []Candidate{
		{ID: "t-ana", Name: "Ana", Tier: 2, Skills: map[string]int{"networking": 4, "vpn": 2}, OpenLoad: 3, OnSite: true, Schedule: berlin},
		{ID: "t-ben", Name: "Ben", Tier: 1, Skills: map[string]int{"networking": 2}, OpenLoad: 0, Schedule: berlin},
		{ID: "t-cai", Name: "Cai", Tier: 3, Skills: map[string]int{"printers": 5}, OpenLoad: 1, OnSite: true, Schedule: berlin},
		{ID: "t-dan", Name: "Dan", Tier: 3, Skills: map[string]int{"networking": 5}, OpenLoad: 8, OnSite: true, Schedule: berlin},
		{ID: "t-eve", Name: "Eve", Tier: 2, Skills: map[string]int{"networking": 3}, OpenLoad: 0, OnSite: true, Schedule: onHoliday},
		{ID: "t-fay", Name: "Fay", Tier: 2, Skills: map[string]int{"networking": 4}, OpenLoad: 0, OnSite: true, Schedule: newYork},
	}
}

// Monday 2026-11-23, 10:00 in Berlin, 04:00 in New York.
var now = utc("2026-11-23T09:00:00Z")

func TestSuggest(t *testing.T) {
	t.Parallel()
	visit := schedule.Interval{Start: utc("2026-11-24T13:00:00Z"), End: utc("2026-11-24T15:00:00Z")} // Tue 14:00-16:00 Berlin
	tests := []struct {
		name      string
		req       Request
		wantOrder string            // qualified IDs, best first
		reasons   map[string]string // technician -> expected reason
	}{
		{
			name:      "network ticket at tier 1, now",
			req:       Request{Category: "Network", Tier: 1, At: now},
			wantOrder: "t-ana,t-ben",
			reasons: map[string]string{
				"t-ana": "Has networking skill (level 4), 3 open tickets, on shift until 17:00",
				"t-ben": "Has networking skill (level 2), no open tickets, on shift until 17:00",
				"t-cai": "Not suggested: no networking skill",
				"t-dan": "Not suggested: at capacity: 8 open tickets (limit 8)",
				"t-eve": "Not suggested: on time off (holiday) until Tue 24 Nov",
				"t-fay": "Not suggested: off shift (next shift Mon 23 Nov 09:00)",
			},
		},
		{
			name:      "tier 2 ticket leaves out tier 1",
			req:       Request{Category: "network", Tier: 2, At: now},
			wantOrder: "t-ana",
			reasons:   map[string]string{"t-ben": "Not suggested: tier 1, the ticket needs tier 2"},
		},
		{
			name:      "vpn needs vpn or networking; the best level counts",
			req:       Request{Category: "vpn", Tier: 1, At: now},
			wantOrder: "t-ana,t-ben",
			reasons: map[string]string{
				"t-ana": "Has networking skill (level 4), 3 open tickets, on shift until 17:00",
				"t-cai": "Not suggested: no vpn or networking skill",
			},
		},
		{
			name:      "visit time instead of now: New York is off, remote Ben cannot go",
			req:       Request{Category: "network", Tier: 1, At: now, Visit: &visit},
			wantOrder: "t-ana,t-eve",
			reasons: map[string]string{
				"t-ana": "Has networking skill (level 4), 3 open tickets, on shift for the visit (Tue 24 Nov 14:00-16:00)",
				"t-ben": "Not suggested: works remotely, not on site",
				"t-fay": "Not suggested: not working during the visit (Tue 24 Nov 08:00-10:00)",
			},
		},
		{
			name:      "unmapped category needs no skill",
			req:       Request{Category: "furniture", Tier: 1, At: now},
			wantOrder: "t-ben,t-cai,t-ana",
			reasons:   map[string]string{"t-cai": "1 open ticket, on shift until 17:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Suggest(team(), DefaultSettings(), tt.req)
			if len(got) != len(team()) {
				t.Fatalf("got %d suggestions, want one per candidate", len(got))
			}
			var order []string
			for _, s := range got {
				if s.Qualified {
					order = append(order, s.TechnicianID)
				}
			}
			if strings.Join(order, ",") != tt.wantOrder {
				t.Errorf("qualified order = %v, want %s", order, tt.wantOrder)
			}
			for _, s := range got {
				want, ok := tt.reasons[s.TechnicianID]
				if ok && s.Reason != want {
					t.Errorf("%s reason = %q, want %q", s.TechnicianID, s.Reason, want)
				}
			}
		})
	}
}

func TestPick(t *testing.T) {
	t.Parallel()
	q := func(id string, load, level int) Suggestion {
		return Suggestion{TechnicianID: id, Qualified: true, OpenLoad: load, Level: level}
	}
	out := Suggestion{TechnicianID: "t-zed", Qualified: false}
	tests := []struct {
		name string
		sugs []Suggestion
		mode Mode
		last map[string]time.Time
		want string
	}{
		{"least loaded", []Suggestion{q("t-a", 3, 4), q("t-b", 1, 2), q("t-c", 2, 5)}, LeastLoaded, nil, "t-b"},
		{"least loaded tie keeps the better skill", []Suggestion{q("t-c", 1, 5), q("t-b", 1, 2)}, LeastLoaded, nil, "t-c"},
		{"round-robin with no history starts at the first ID", []Suggestion{q("t-c", 0, 1), q("t-a", 5, 1), q("t-b", 0, 1)}, RoundRobin, nil, "t-a"},
		{"round-robin goes to the one after the last assigned", []Suggestion{q("t-a", 0, 1), q("t-b", 0, 1), q("t-c", 0, 1)}, RoundRobin,
			map[string]time.Time{"t-a": now.Add(-2 * time.Hour), "t-b": now.Add(-time.Hour)}, "t-c"},
		{"round-robin wraps around", []Suggestion{q("t-a", 0, 1), q("t-b", 0, 1), q("t-c", 0, 1)}, RoundRobin,
			map[string]time.Time{"t-a": now.Add(-2 * time.Hour), "t-c": now.Add(-time.Hour)}, "t-a"},
		{"round-robin ignores people who do not qualify", []Suggestion{q("t-a", 0, 1), q("t-b", 0, 1), out}, RoundRobin,
			map[string]time.Time{"t-a": now.Add(-2 * time.Hour), "t-zed": now}, "t-b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pick(tt.sugs, tt.mode, tt.last)
			if err != nil || got.TechnicianID != tt.want {
				t.Fatalf("Pick = %s, %v; want %s", got.TechnicianID, err, tt.want)
			}
		})
	}
	if _, err := Pick([]Suggestion{out}, RoundRobin, nil); !errors.Is(err, ErrNoneQualified) {
		t.Fatalf("Pick with nobody qualified = %v", err)
	}
	if _, err := Pick([]Suggestion{q("t-a", 0, 1)}, "random", nil); err == nil {
		t.Fatal("Pick accepted an unknown mode")
	}
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	s := Settings{Categories: map[string][]string{" Network ": {"Networking", "networking", ""}}}
	s.Normalize()
	if err := s.Validate(); err != nil || len(s.Categories["network"]) != 1 || s.MaxOpen != DefaultMaxOpen {
		t.Fatalf("normalized = %+v, %v", s, err)
	}
	bad := Settings{MaxOpen: 5, Categories: map[string][]string{"x": {"a:b"}}}
	if err := bad.Validate(); err == nil {
		t.Fatal("a skill with a colon was accepted")
	}
	if err := (&Settings{MaxOpen: -1}).Validate(); err == nil {
		t.Fatal("a negative limit was accepted")
	}
}

// BenchmarkSuggest50 ranks a team of 50 for one ticket: what the ticket page does on each open.
func BenchmarkSuggest50(b *testing.B) {
	base := team()
	cands := make([]Candidate, 0, 50)
	for i := range 50 {
		c := base[i%len(base)]
		c.ID = c.ID + "-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		cands = append(cands, c)
	}
	req := Request{Category: "network", Tier: 1, At: now}
	for b.Loop() {
		Suggest(cands, DefaultSettings(), req)
	}
}
