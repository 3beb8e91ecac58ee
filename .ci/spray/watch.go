package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"outpost/app/apptest/peer"
)

// usage is what the target process spent while the flood lasted.
type usage struct {
	cpu               time.Duration // user + system time
	wall              time.Duration
	rssStart, rssPeak int64 // resident memory, bytes
	rssEnd            int64
}

type watcher struct {
	pid   int
	start time.Time
	cpu0  time.Duration
	done  chan struct{}
	mu    sync.Mutex
	u     usage
}

// startWatch samples pid's resident memory every 200 ms until stop.
func startWatch(pid int) *watcher {
	w := &watcher{pid: pid, start: time.Now(), cpu0: peer.CPUTime(pid), done: make(chan struct{})}
	w.u.rssStart = rss(pid)
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-t.C:
				r := rss(pid)
				w.mu.Lock()
				w.u.rssPeak = max(w.u.rssPeak, r)
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *watcher) stop() usage {
	close(w.done)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.u.cpu = peer.CPUTime(w.pid) - w.cpu0
	w.u.wall = time.Since(w.start)
	w.u.rssEnd = rss(w.pid)
	return w.u
}

// rss is the process's resident memory in bytes.
func rss(pid int) int64 { return peer.StatusKB(pid, "VmRSS:") << 10 }

// edits creates tickets on a genuine peer while the flood lasts.
type edits struct {
	stopCh chan struct{}
	done   chan []string
}

func startEdits(p *peer.Peer) *edits {
	e := &edits{stopCh: make(chan struct{}), done: make(chan []string, 1)}
	go func() {
		var acked []string
		for i := 0; ; i++ {
			select {
			case <-e.stopCh:
				e.done <- acked
				return
			case <-time.After(50 * time.Millisecond):
			}
			var t struct {
				ID string `json:"id"`
			}
			if err := p.Call(context.Background(), "TicketService/Create", &t, map[string]any{"title": fmt.Sprintf("Genuine write %d", i)}); err == nil && t.ID != "" {
				acked = append(acked, t.ID)
			}
		}
	}()
	return e
}

func (e *edits) stop() []string {
	close(e.stopCh)
	return <-e.done
}
