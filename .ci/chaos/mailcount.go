package main

import (
	"bytes"
	"context"
	"fmt"
	"outpost/app/apptest/peer"

	"outpost/backend/mail/mailtest"
)

type mailCount struct{ tickets, lost, dups int }

// countMail reads, on every peer, every ticket's mail thread over the API and checks
// that each of the mails delivered is on exactly one ticket, once. It returns the
// smallest ticket count seen and the losses and duplicates summed over the peers.
func countMail(peers []*peer.Peer, mails int) (mailCount, error) {
	out := mailCount{tickets: -1}
	for _, p := range peers {
		var q struct {
			Total   int `json:"total"`
			Tickets []struct {
				ID string `json:"id"`
			} `json:"tickets"`
		}
		if err := p.Call(context.Background(), "TicketService/Queue", &q, map[string]any{"includeClosed": true, "limit": 10000}); err != nil {
			return out, err
		}
		if out.tickets < 0 || q.Total < out.tickets {
			out.tickets = q.Total
		}
		seen := map[string]int{}
		for _, t := range q.Tickets {
			var th struct {
				In []struct {
					MessageID string `json:"messageId"`
				} `json:"in"`
			}
			if err := p.Call(context.Background(), "MailService/Thread", &th, t.ID); err != nil {
				return out, err
			}
			for _, m := range th.In {
				seen[m.MessageID]++
			}
		}
		for i := range mails {
			switch n := seen[fmt.Sprintf("chaos%d@example.net", i)]; {
			case n == 0:
				out.lost++
				fmt.Printf("chaos: mail %d is on no ticket on %s\n", i, p.Name)
			case n > 1:
				out.dups += n - 1
				fmt.Printf("chaos: mail %d is on tickets %d times on %s\n", i, n, p.Name)
			}
		}
	}
	return out, nil
}

// countAcks counts the acknowledgements the SMTP server accepted, and those it got
// more than once (the same Message-ID: a handler killed in the instant between the
// server's acceptance and its record of it sends again).
func countAcks(srv *mailtest.Server) (n, twice int) {
	ids := map[string]bool{}
	for _, e := range srv.Sent() {
		id := messageIDOf(e.Data)
		if ids[id] {
			twice++
		}
		ids[id] = true
		n++
	}
	return n, twice
}

func messageIDOf(raw []byte) string {
	for _, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte("Message-Id")) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}
