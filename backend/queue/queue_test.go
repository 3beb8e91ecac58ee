package queue

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestQueueFollowsTheStore(t *testing.T) {
	t.Parallel()
	st := openStore(t, t.TempDir())
	svc := ticket.NewService(st, nil)
	ctx := context.Background()
	x, err := Build(st)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	mk := func(title, cat string, impact, urgency ticket.Level) ticket.Ticket {
		tk, err := svc.Create(ctx, "a", ticket.NewTicket{Title: title, Category: cat, Impact: impact, Urgency: urgency})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	printer := mk("Printer jammed", "hardware", ticket.Low, ticket.Low)
	vpn := mk("VPN down for sales", "network", ticket.High, ticket.High)
	mail := mk("Mailbox full", "email", ticket.Medium, ticket.Medium)
	if _, err := svc.Assign(ctx, "a", mail.ID, "tech-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, "a", printer.ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	ids := func(r Result) string {
		s := ""
		for _, t := range r.Tickets {
			s += t.Title + ";"
		}
		return s
	}
	tests := []struct {
		name string
		f    Filter
		want string
	}{
		{"open by priority", Filter{}, "VPN down for sales;Mailbox full;"},
		{"include closed", Filter{IncludeClosed: true}, "VPN down for sales;Mailbox full;Printer jammed;"},
		{"resolved only", Filter{Statuses: []ticket.Status{ticket.StatusResolved}}, "Printer jammed;"},
		{"text", Filter{Text: "MAILBOX"}, "Mailbox full;"},
		{"number", Filter{Text: vpn.Number}, "VPN down for sales;"},
		{"unassigned", Filter{Unassigned: true}, "VPN down for sales;"},
		{"assignee", Filter{Assignee: "tech-1"}, "Mailbox full;"},
		{"priority", Filter{Priorities: []int{1}}, "VPN down for sales;"},
		{"category", Filter{Category: "Network"}, "VPN down for sales;"},
		{"oldest first", Filter{Sort: "age"}, "VPN down for sales;Mailbox full;"},
		{"recently updated", Filter{Sort: "updated"}, "Mailbox full;VPN down for sales;"},
		{"limit", Filter{Limit: 1}, "VPN down for sales;"},
		{"second page", Filter{Limit: 1, Offset: 1}, "Mailbox full;"},
		{"offset past the end", Filter{Offset: 5}, ""},
		{"negative offset is the start", Filter{Offset: -3, Limit: 1}, "VPN down for sales;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(x.Query(tt.f)); got != tt.want {
				t.Fatalf("Query(%+v) = %s, want %s", tt.f, got, tt.want)
			}
		})
	}
	if err := svc.Delete(ctx, "a", vpn.ID); err != nil {
		t.Fatal(err)
	}
	if got := x.Query(Filter{}); got.Total != 1 {
		t.Fatalf("deleted ticket still queued: %+v", got)
	}
	again, err := Build(st) // a rebuilt index equals the live one
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if ids(again.Query(Filter{IncludeClosed: true})) != ids(x.Query(Filter{IncludeClosed: true})) {
		t.Fatal("rebuilt index differs from the live one")
	}
}

var (
	fixtures   sync.Map // size -> dir
	fixtureDir string
)

// fixture returns a data directory holding n tickets, made once per test process.
func fixture(b *testing.B, n int) string {
	if d, ok := fixtures.Load(n); ok {
		return d.(string)
	}
	if fixtureDir == "" {
		d, err := os.MkdirTemp("", "outpost-queue-bench")
		if err != nil {
			b.Fatal(err)
		}
		fixtureDir = d
	}
	dir := filepath.Join(fixtureDir, fmt.Sprint(n))
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	svc := ticket.NewService(st, nil)
	levels := []ticket.Level{ticket.High, ticket.Medium, ticket.Low}
	cats := []string{"network", "hardware", "email", "access", "software"}
	for i := 0; i < n; i += 500 {
		batch := make([]ticket.NewTicket, 0, 500)
		for j := i; j < min(n, i+500); j++ {
			batch = append(batch, ticket.NewTicket{
				Title: fmt.Sprintf("Ticket %d about %s", j, cats[j%len(cats)]), Category: cats[j%len(cats)],
				Impact: levels[j%3], Urgency: levels[(j/3)%3], Requester: ticket.Requester{Name: fmt.Sprint("user ", j%700)},
			})
		}
		if _, err := svc.CreateBatch(context.Background(), "bench", batch); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	fixtures.Store(n, dir)
	return dir
}

func benchmarkQueue(b *testing.B, n int) {
	dir := fixture(b, n)
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	x, err := Build(st)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	if x.Len() != n {
		b.Fatalf("index holds %d tickets, want %d", x.Len(), n)
	}
	filters := []Filter{{}, {Category: "network"}, {Text: "user 42"}, {Priorities: []int{1, 2}, Sort: "age"}}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := x.Query(filters[i%len(filters)])
		if r.Total == 0 {
			b.Fatal("empty queue")
		}
	}
}

func BenchmarkQueueOpen10k(b *testing.B)  { benchmarkQueue(b, 10_000) }
func BenchmarkQueueOpen100k(b *testing.B) { benchmarkQueue(b, 100_000) }

func BenchmarkBuildIndex10k(b *testing.B) {
	dir := fixture(b, 10_000)
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for b.Loop() {
		x, err := Build(st)
		if err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}
