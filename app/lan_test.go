package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"outpost/backend/queue"
	"outpost/backend/ticket"
	"outpost/sync/lantest"
	"outpost/sync/team"
)

// Two laptops of a team meet on a network where every address they remember is
// stale (a client's site): they find each other by mDNS alone, with the default
// gossip port and LAN timers, and a ticket created on one reaches the other.
func TestTeamSyncsOverMDNSAlone(t *testing.T) {
	hosts := lantest.Pair(t)
	tm, err := team.New("Field team")
	if err != nil {
		t.Fatal(err)
	}
	tm.AddPeers("192.0.2.1:7481") // TEST-NET: nobody answers there
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		if err := team.Save(d, tm); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := func(h lantest.Host, dir, role, title string) lantest.Proc {
		return h.Start(ctx, t, "TestLANAppHelper", "OUTPOST_LAN_APP="+role, "OUTPOST_LAN_DATA="+dir, "OUTPOST_LAN_TITLE="+title)
	}
	title := fmt.Sprintf("Printer jam on site %d", time.Now().UnixNano())
	a := start(hosts[0], dirs[0], "create", title)
	created := a.Expect(t, "created ")
	b := start(hosts[1], dirs[1], "wait", title)
	got := b.Expect(t, "received ")
	if strings.TrimPrefix(got, "received ") != strings.TrimPrefix(created, "created ") {
		t.Fatalf("b %s, a %s", got, created)
	}
	if peer := a.Expect(t, "peer online "); !strings.Contains(peer, "laptop-wait") {
		t.Fatalf("a: %s", peer)
	}
}

// TestLANAppHelper is one laptop of TestTeamSyncsOverMDNSAlone: role "create"
// makes a ticket and reports when the other laptop is online; role "wait" waits
// for that ticket. Each stays up until stdin closes.
func TestLANAppHelper(t *testing.T) {
	role := os.Getenv("OUTPOST_LAN_APP")
	if role == "" {
		t.Skip("run by TestTeamSyncsOverMDNSAlone on a host of its test network")
	}
	a, err := Open(context.Background(), Config{DataDir: os.Getenv("OUTPOST_LAN_DATA"), DeviceName: "laptop-" + role,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if st, err := a.Team.Status(); err != nil || !st.Syncing || !st.Discovery {
		t.Fatalf("status %+v %v: want syncing with LAN discovery on", st, err)
	}
	title := os.Getenv("OUTPOST_LAN_TITLE")
	deadline := time.Now().Add(60 * time.Second)
	switch role {
	case "create":
		tk, err := a.Tickets.Create(ticket.NewTicket{Title: title})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("created " + tk.ID)
		for {
			ps, _ := a.Team.Peers()
			if len(ps) == 1 && ps[0].Online && ps[0].Name != "" { // the name arrives with the device record, after the peer is seen
				fmt.Println("peer online " + ps[0].Name)
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the other laptop never came online")
			}
			time.Sleep(100 * time.Millisecond)
		}
	case "wait":
		for {
			if tk, err := a.Tickets.Get(findTicket(t, a, title)); err == nil && tk.Title == title {
				fmt.Println("received " + tk.ID)
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the ticket never arrived")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// findTicket returns the ID of the ticket with this title, or "" if there is none yet.
func findTicket(t *testing.T, a *App, title string) string {
	res, err := a.Tickets.Queue(queue.Filter{Text: title, IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res.Tickets {
		if row.Title == title {
			return row.ID
		}
	}
	return ""
}
