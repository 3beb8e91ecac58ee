package app

import (
	"log/slog"
	"sync"
	"time"

	"outpost/sync/replica"
)

// catchUpLog writes a catch-up's progress to the log, as `outpost serve` shows it: how
// many changes arrived of how many expected, the rate, and about how long is left,
// every few seconds, then a line when it is done. Catch-ups of a few changes (a
// device back after lunch) log nothing; the window has the same figures as events.
type catchUpLog struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	peers map[string]*catchUp // the catch-ups under way, by peer
}

// catchUp is one peer's catch-up as the log has told it.
type catchUp struct {
	began time.Time // its first progress
	last  time.Time // its last line, or its beginning: the first line comes once there is a rate to tell
}

// catchUpLogAbove is how many changes a catch-up must bring to be logged.
const catchUpLogAbove = 2_000

func newCatchUpLog(log *slog.Logger) *catchUpLog {
	return &catchUpLog{log: log, every: 3 * time.Second, now: time.Now, peers: map[string]*catchUp{}}
}

func (l *catchUpLog) progress(p replica.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.peers[p.Peer]
	if c == nil {
		c = &catchUp{began: now, last: now}
		l.peers[p.Peer] = c
	}
	if p.Done {
		delete(l.peers, p.Peer)
		if p.Received >= catchUpLogAbove {
			l.log.Info("caught up with a peer", "peer", p.Peer, "changes", p.Received,
				"took", now.Sub(c.began).Round(100*time.Millisecond).String())
		}
		return
	}
	if p.Expected < catchUpLogAbove || now.Sub(c.last) < l.every {
		return
	}
	c.last = now
	took := now.Sub(c.began)
	rate := float64(p.Received) / max(took.Seconds(), 0.001)
	left := time.Duration(float64(max(p.Expected-p.Received, 0))/max(rate, 1)) * time.Second
	l.log.Info("catching up with a peer", "peer", p.Peer, "received", p.Received, "expected", p.Expected,
		"per_second", int(rate), "left", left.Round(time.Second).String())
}
