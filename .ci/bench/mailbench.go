package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"outpost/app/apptest/peer"
	"outpost/backend/mail/mailtest"
)

// mail measures the email channel black-box: three real `outpost serve` peers, two of
// them handling a real mailbox (dovecot, SMTP built on go-smtp). n mails wait in the
// inbox when the mailbox is set up; then: how long until they are n tickets on all
// three peers, the intake rate, how long single mails take from arrival to the queue
// of every peer (IMAP IDLE), and how long 1,000 replies take to go out.
func (r *Report) mail(bin string, n, replies int) {
	root, err := os.MkdirTemp("", "outpost-mailbench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(root)
	srv, err := mailtest.New(mailtest.Options{})
	if err != nil {
		r.add(Figure{Name: "mail intake", Note: "not measured: " + err.Error()})
		return
	}
	defer srv.Close()
	peers, err := peer.Team(bin, root, 3, "--mail-ca", srv.CAFile)
	if err != nil {
		fail(err)
	}
	defer func() {
		for _, p := range peers {
			p.Stop()
		}
	}()
	team := srv.Team()
	for i := range n {
		raw := fmt.Sprintf("From: Person %d <p%d@example.net>\r\nTo: %s\r\nMessage-ID: <bench%d@example.net>\r\nSubject: Request %d\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nThe printer on floor %d does not print.\r\n", i%500, i%500, srv.Address(team.Name), i, i, i%9)
		if err := srv.DeliverFast(team.Name, []byte(raw)); err != nil {
			fail(err)
		}
	}
	began := time.Now()
	if err := benchMailbox(peers, srv); err != nil {
		fail(err)
	}
	waitEmpty(srv, team.Name, 10*time.Minute)
	inbox := time.Since(began)
	waitTickets(peers, n, 10*time.Minute)
	all := time.Since(began)
	rate := float64(n) / inbox.Seconds()
	r.add(Figure{Name: fmt.Sprintf("mail: %dk mails in the inbox, until tickets on 3 peers", n/1000), Value: all.Seconds(), Unit: "s"})
	r.add(Figure{Name: "mail: intake rate, 2 handlers", Value: rate, Unit: "mails/s", Goal: ">= 200"})
	lat := arrivalLatency(srv, peers, 100)
	r.add(Figure{Name: "mail: arrival to visible on all 3 peers, p99 (IDLE)", Value: percentile(lat, 0.99), Unit: "ms", Goal: "< 5000"})
	r.add(Figure{Name: "mail: arrival to visible on all 3 peers, p50", Value: percentile(lat, 0.50), Unit: "ms"})
	r.add(Figure{Name: fmt.Sprintf("mail: %d replies sent (queued on the plain peer to SMTP)", replies), Value: sendReplies(srv, peers, replies).Seconds(), Unit: "s"})
}

func benchMailbox(peers []*peer.Peer, srv *mailtest.Server) error {
	ids, err := peer.ReadyDevices(peers[0], 3, time.Minute)
	if err != nil {
		return err
	}
	return peer.SaveMailbox(peers[0], srv, []string{ids["peer-1"], ids["peer-2"]}, nil)
}

func waitEmpty(srv *mailtest.Server, user string, within time.Duration) time.Duration {
	began := time.Now()
	for time.Since(began) < within {
		if n, err := srv.CountFolder(user, "INBOX"); err == nil && n == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(began)
}

func queueTotal(p *peer.Peer, text string) int {
	var q struct {
		Total int `json:"total"`
	}
	if p.Call(context.Background(), "TicketService/Queue", &q, map[string]any{"text": text, "includeClosed": true, "limit": 1}) != nil {
		return -1
	}
	return q.Total
}

func waitTickets(peers []*peer.Peer, n int, within time.Duration) time.Duration {
	began := time.Now()
	for _, p := range peers {
		for queueTotal(p, "") < n && time.Since(began) < within {
			time.Sleep(100 * time.Millisecond)
		}
	}
	return time.Since(began)
}

// arrivalLatency delivers k mails over SMTP, one every 100 ms, and measures for each
// the time until all three peers list its ticket.
func arrivalLatency(srv *mailtest.Server, peers []*peer.Peer, k int) []time.Duration {
	team := srv.Team()
	var mu sync.Mutex
	var out []time.Duration
	var wg sync.WaitGroup
	for i := range k {
		subject := fmt.Sprintf("Latency probe %06d", i)
		raw := fmt.Sprintf("From: probe@example.net\r\nTo: %s\r\nMessage-ID: <probe%d@example.net>\r\nSubject: %s\r\n\r\nprobe\r\n", srv.Address(team.Name), i, subject)
		sent := time.Now()
		if err := srv.DeliverSMTP(team.Name, []byte(raw)); err != nil {
			fail(err)
		}
		wg.Go(func() {
			for _, p := range peers {
				for queueTotal(p, subject) < 1 && time.Since(sent) < time.Minute {
					time.Sleep(20 * time.Millisecond)
				}
			}
			mu.Lock()
			out = append(out, time.Since(sent))
			mu.Unlock()
		})
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
	slices.Sort(out)
	return out
}

// sendReplies writes k public replies on the plain peer (not a handler) and measures
// the time until the SMTP server accepted all of them.
func sendReplies(srv *mailtest.Server, peers []*peer.Peer, k int) time.Duration {
	var q struct {
		Tickets []struct {
			ID string `json:"id"`
		} `json:"tickets"`
	}
	if err := peers[2].Call(context.Background(), "TicketService/Queue", &q, map[string]any{"limit": k, "sort": "age"}); err != nil {
		fail(err)
	}
	before := len(srv.Sent())
	began := time.Now()
	for _, t := range q.Tickets {
		if err := peers[2].Call(context.Background(), "MailService/Reply", nil, t.ID, "We are on it: a technician comes by this afternoon.", []any{}); err != nil {
			fail(err)
		}
	}
	for len(srv.Sent())-before < len(q.Tickets) && time.Since(began) < 10*time.Minute {
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(began)
}
