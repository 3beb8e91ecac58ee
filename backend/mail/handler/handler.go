// Package handler runs the mail work of a handler device: for each mailbox this
// device handles, it watches INBOX (IMAP IDLE, polling where the server lacks it),
// takes each message in through the channel and only then moves it to the processed
// folder, and it sends the outbox records that the claim rule gives this device.
package handler

import (
	"context"
	"crypto/tls"
	"log/slog"
	"slices"
	"sync"
	"time"

	"outpost/backend/mail/channel"
	"outpost/backend/mail/mailbox"
)

// Config is what a Handler needs.
type Config struct {
	Mailboxes *mailbox.Service
	Channel   *channel.Channel
	// Author is the person this device writes as.
	Author func() string
	// Online lists the devices this replica sees online now, itself included.
	Online func() []string
	// TLS is the base TLS configuration (nil: the system's roots).
	TLS *tls.Config
	Log *slog.Logger
	Now func() time.Time
	// Rescan is the longest a watcher idles before it looks at the inbox again
	// (default 5 minutes); Tick is how often the outbox is looked at (default 2 s).
	Rescan, Tick time.Duration
}

// Status is what a handler reports of one mailbox, for the UI.
type Status struct {
	Mailbox   string    `json:"mailbox"`
	Handling  bool      `json:"handling"`  // this device handles the mailbox
	Connected bool      `json:"connected"` // its IMAP connection is up
	Problem   string    `json:"problem"`   // the last error, in words ("" when none)
	LastCheck time.Time `json:"lastCheck"`
	Taken     int       `json:"taken"` // messages taken in since start
	Sent      int       `json:"sent"`
}

// Handler runs watchers and the sender.
type Handler struct {
	cfg Config

	mu       sync.Mutex
	watchers map[string]*watcher // by mailbox ID
	status   map[string]*Status
}

// New returns a handler; Run starts it.
func New(cfg Config) *Handler {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rescan <= 0 {
		cfg.Rescan = 5 * time.Minute
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 2 * time.Second
	}
	return &Handler{cfg: cfg, watchers: map[string]*watcher{}, status: map[string]*Status{}}
}

// Run supervises the watchers (one per mailbox this device handles, restarted when
// the mailbox's settings change) and sends due outbox mail, until ctx ends.
func (h *Handler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer func() {
		h.mu.Lock()
		for _, w := range h.watchers {
			w.stop()
		}
		h.mu.Unlock()
		wg.Wait()
	}()
	t := time.NewTicker(h.cfg.Tick)
	defer t.Stop()
	for {
		h.supervise(ctx, &wg)
		h.sendDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// supervise starts a watcher for each mailbox this device handles and can open the
// credentials of, and stops those of mailboxes it no longer handles or that changed.
func (h *Handler) supervise(ctx context.Context, wg *sync.WaitGroup) {
	list, err := h.cfg.Mailboxes.List()
	if err != nil {
		h.cfg.Log.Warn("list mailboxes", "err", err)
		return
	}
	me := h.cfg.Mailboxes.Device()
	want := map[string]mailbox.Mailbox{}
	for _, mb := range list {
		if slices.Contains(mb.Handlers, me) {
			want[mb.ID] = mb
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, w := range h.watchers {
		if mb, ok := want[id]; !ok || !mb.Updated.Equal(w.mb.Updated) {
			w.stop()
			delete(h.watchers, id)
		}
	}
	for id, mb := range want {
		if _, ok := h.watchers[id]; ok {
			continue
		}
		st := h.statusOf(id)
		st.Handling = true
		creds, err := h.cfg.Mailboxes.Credentials(id)
		if err != nil {
			st.Problem = err.Error()
			continue
		}
		w := newWatcher(h, mb, creds)
		h.watchers[id] = w
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx)
		}()
	}
}

func (h *Handler) statusOf(id string) *Status {
	st, ok := h.status[id]
	if !ok {
		st = &Status{Mailbox: id}
		h.status[id] = st
	}
	return st
}

func (h *Handler) update(id string, fn func(*Status)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(h.statusOf(id))
}

// Statuses reports every mailbox this device has looked at.
func (h *Handler) Statuses() []Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Status, 0, len(h.status))
	for _, s := range h.status {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Status) int {
		if a.Mailbox < b.Mailbox {
			return -1
		}
		return 1
	})
	return out
}

// pause is a backoff that doubles from 2 s to 5 minutes.
func pause(ctx context.Context, failures int) bool {
	d := 2 * time.Second << min(failures, 8)
	if d > 5*time.Minute {
		d = 5 * time.Minute
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
