package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"outpost/app/apptest/peer"
	"strconv"
	"time"

	"outpost/backend/mail/mailtest"
)

// mailChaos checks the email channel's promise: with two handler devices killed -9
// over and over while mail arrives, every mail is exactly one ticket or comment on all
// three peers (the third handles no mail), none lost, none twice.
func mailChaos(bin string, mails, kills int, seed int64, keep bool) {
	root, err := os.MkdirTemp("", "outpost-mailchaos-")
	if err != nil {
		fail(err)
	}
	fmt.Printf("chaos: mail: %d mails, %d kills of handlers, seed %d, logs in %s\n", mails, kills, seed, root)
	srv, err := mailtest.New(mailtest.Options{})
	if err != nil {
		fail(err)
	}
	defer srv.Close()
	res, err := runMailChaos(bin, root, srv, mails, kills, rand.New(rand.NewSource(seed)))
	if err != nil {
		fail(fmt.Errorf("%w (seed %d, logs in %s)", err, seed, root))
	}
	fmt.Printf("chaos: mail: %d mails, %d threads; kill -9 %d; on every peer %d tickets; lost %d, duplicated %d, divergent peers %d; inbox emptied %.1f s after the last mail; acknowledgements sent %d (%d twice)\n",
		mails, res.threads, res.kills, res.tickets, res.lost, res.dups, res.divergent, res.drain.Seconds(), res.acks, res.ackDups)
	if res.lost > 0 || res.dups > 0 || res.divergent > 0 || res.tickets != res.threads {
		fmt.Printf("chaos: 0 passed, 1 failed (seed %d, logs in %s)\n", seed, root)
		os.Exit(1)
	}
	if !keep {
		os.RemoveAll(root)
	}
	fmt.Println("chaos: 1 passed, 0 failed")
}

type mailResult struct {
	threads, tickets, kills, lost, dups, divergent, acks, ackDups int
	drain                                                         time.Duration
}

func runMailChaos(bin, root string, srv *mailtest.Server, mails, kills int, rng *rand.Rand) (mailResult, error) {
	var res mailResult
	peers, err := peer.Team(bin, root, 3, "--mail-ca", srv.CAFile)
	if err != nil {
		return res, err
	}
	defer func() {
		for _, p := range peers {
			p.Stop()
		}
	}()
	if err := setUpMailbox(peers, srv); err != nil {
		return res, err
	}
	team := srv.Team()
	ctx, stop := context.WithCancel(context.Background())
	killed := make(chan int)
	go func() { killed <- killHandlers(ctx, peers[:2], kills, rng) }()
	threads := 0
	for i := range mails {
		reply := i > 0 && rng.Intn(5) == 0
		if !reply {
			threads++
		}
		if err := srv.DeliverSMTP(team.Name, chaosMail(i, reply, rng.Intn(max(i, 1)), srv.Address(team.Name))); err != nil {
			stop()
			return res, err
		}
		time.Sleep(time.Duration(rng.Intn(150)) * time.Millisecond)
	}
	last := time.Now()
	res.kills = <-killed
	stop()
	for _, p := range peers[:2] {
		if !p.Running() {
			if err := p.Start(); err != nil {
				return res, err
			}
		}
	}
	if err := waitInboxEmpty(srv, team.Name, 3*time.Minute); err != nil {
		return res, err
	}
	res.drain = time.Since(last)
	res.threads = threads
	res.divergent = converge(peers, 2*time.Minute)
	counted, err := countMail(peers, mails)
	if err != nil {
		return res, err
	}
	res.tickets, res.lost, res.dups = counted.tickets, counted.lost, counted.dups
	res.acks, res.ackDups = countAcks(srv)
	return res, nil
}

// setUpMailbox waits until the first peer knows all three devices, then saves the
// mailbox with the first two as its handlers, through the documented API.
func setUpMailbox(peers []*peer.Peer, srv *mailtest.Server) error {
	ids, err := peer.ReadyDevices(peers[0], 3, 60*time.Second)
	if err != nil {
		return err
	}
	return peer.SaveMailbox(peers[0], srv, []string{ids["peer-1"], ids["peer-2"]}, map[string]any{"acknowledge": true, "autoPerHour": 100})
}

func chaosMail(i int, reply bool, parent int, to string) []byte {
	head := fmt.Sprintf("From: Person %d <p%d@example.net>\r\nTo: %s\r\nMessage-ID: <chaos%d@example.net>\r\n", i%50, i%50, to, i)
	subject := fmt.Sprintf("Subject: Request %d\r\n", i)
	if reply {
		subject = fmt.Sprintf("Subject: Re: Request %d\r\nIn-Reply-To: <chaos%d@example.net>\r\nReferences: <chaos%d@example.net>\r\n", parent, parent, parent)
	}
	return []byte(head + subject + "Content-Type: text/plain; charset=utf-8\r\n\r\nMail number " + strconv.Itoa(i) + ".\r\n")
}

// killHandlers kills a random handler -9 and restarts it, kills times, until ctx ends.
func killHandlers(ctx context.Context, handlers []*peer.Peer, kills int, rng *rand.Rand) int {
	n := 0
	for n < kills && ctx.Err() == nil {
		p := handlers[rng.Intn(len(handlers))]
		p.Kill()
		n++
		time.Sleep(time.Duration(50+rng.Intn(400)) * time.Millisecond)
		if err := p.Start(); err != nil {
			fmt.Println("chaos: restart:", err)
		}
		time.Sleep(time.Duration(200+rng.Intn(800)) * time.Millisecond)
	}
	return n
}

func waitInboxEmpty(srv *mailtest.Server, user string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		n, err := srv.CountFolder(user, "INBOX")
		if err == nil && n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d mails still in INBOX after %v (%v)", n, within, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
