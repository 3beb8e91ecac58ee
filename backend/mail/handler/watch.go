package handler

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"outpost/backend/mail/channel"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/transport"
)

// maxWait is how long a reply waits for its thread's ticket to arrive from the
// handler that took the thread's first message in, before it opens it itself.
const maxWait = 2 * time.Minute

// takeOver is how long a message another handler should take in may stay in INBOX
// before this one takes it in instead (that handler may be gone). Handlers share the
// inbox by the claim rule so that two of them rarely fetch the same message; when
// they do, the derived IDs make it one ticket all the same.
const takeOver = 10 * time.Second

// watcher takes in the mail of one mailbox.
type watcher struct {
	h      *Handler
	mb     mailbox.Mailbox
	creds  mailbox.Credentials
	cancel context.CancelFunc
	done   chan struct{}
	// waiting are replies put off until their thread arrives: UID -> first put off.
	waiting map[uint32]time.Time
	// seen is when each message another handler should take first showed up here.
	seen map[uint32]time.Time
}

func newWatcher(h *Handler, mb mailbox.Mailbox, creds mailbox.Credentials) *watcher {
	return &watcher{h: h, mb: mb, creds: creds, done: make(chan struct{}), waiting: map[uint32]time.Time{},
		seen: map[uint32]time.Time{}}
}

func (w *watcher) stop() {
	if w.cancel != nil {
		w.cancel()
	}
}

func (w *watcher) run(ctx context.Context) {
	ctx, w.cancel = context.WithCancel(ctx)
	defer close(w.done)
	failures := 0
	for ctx.Err() == nil {
		err := w.session(ctx)
		if ctx.Err() != nil {
			return
		}
		w.h.update(w.mb.ID, func(s *Status) { s.Connected, s.Problem = false, err.Error() })
		w.h.cfg.Log.Warn("mailbox", "mailbox", w.mb.Name, "err", err)
		failures++
		if !pause(ctx, failures) {
			return
		}
	}
}

// session is one IMAP connection: take in what is in INBOX, idle, repeat.
func (w *watcher) session(ctx context.Context) error {
	m, err := transport.DialIMAP(ctx, w.mb.IMAP, w.creds.IMAPUser, w.creds.IMAPPassword, w.h.cfg.TLS)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Ensure(w.mb.Processed, w.mb.Sent); err != nil {
		return err
	}
	w.h.update(w.mb.ID, func(s *Status) { s.Connected, s.Problem = true, "" })
	for ctx.Err() == nil {
		if err := w.round(ctx, m); err != nil {
			return err
		}
		idle := w.h.cfg.Rescan
		if len(w.waiting) > 0 || len(w.seen) > 0 {
			idle = 3 * time.Second
		}
		if err := m.Idle(ctx, idle); err != nil && ctx.Err() == nil {
			return err
		}
	}
	return ctx.Err()
}

// batchSize is how many messages one fetch and one transaction take in.
const batchSize = 100

// round takes in every message of INBOX that is this handler's, oldest first, a
// batch at a time.
func (w *watcher) round(ctx context.Context, m *transport.IMAP) error {
	uids, _, err := m.Inbox()
	if err != nil {
		return err
	}
	w.h.update(w.mb.ID, func(s *Status) { s.LastCheck = w.h.cfg.Now() })
	mine := w.mine(uids)
	var waits []waitFor
	for len(mine) > 0 {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n := min(batchSize, len(mine))
		ws, err := w.takeAll(ctx, m, mine[:n], true)
		if err != nil {
			return err
		}
		waits = append(waits, ws...)
		mine = mine[n:]
	}
	return w.settle(ctx, m, waits)
}

type waitFor struct {
	uid  uint32
	root string
}

// takeAll takes messages uids in and moves those taken in to the processed folder. It
// returns those that wait for their thread (when wait is set).
func (w *watcher) takeAll(ctx context.Context, m *transport.IMAP, uids []uint32, wait bool) ([]waitFor, error) {
	fetched, err := m.FetchAll(uids, w.mb.MaxBytes)
	if err != nil {
		return nil, err
	}
	var waits []waitFor
	var done []uint32
	taken := 0
	for len(fetched) > 0 {
		ins, rest := w.batch(fetched, wait)
		fetched = rest
		outs, errs := w.h.cfg.Channel.TakeAll(ctx, w.h.cfg.Author(), ins)
		for i, in := range ins {
			var we *channel.WaitError
			switch {
			case errors.As(errs[i], &we):
				waits = append(waits, waitFor{in.UID, we.Root})
			case errs[i] != nil:
				w.h.cfg.Log.Warn("take in mail", "mailbox", w.mb.Name, "uid", in.UID, "err", errs[i])
			default:
				delete(w.waiting, in.UID)
				done = append(done, in.UID)
				if !outs[i].Duplicate {
					taken++
				}
			}
		}
	}
	if err := w.move(m, done); err != nil {
		return nil, err
	}
	w.h.update(w.mb.ID, func(s *Status) { s.Taken += taken })
	return waits, nil
}

// batch cuts from fetched the messages one transaction takes: up to MaxBatchBytes.
func (w *watcher) batch(fetched []transport.Fetched, wait bool) ([]channel.Incoming, []transport.Fetched) {
	var ins []channel.Incoming
	bytes := 0
	for len(fetched) > 0 {
		f := fetched[0]
		if len(ins) > 0 && bytes+len(f.Raw) > channel.MaxBatchBytes {
			break
		}
		bytes += len(f.Raw)
		ins = append(ins, channel.Incoming{Mailbox: w.mb, UID: f.UID, Raw: f.Raw, Received: f.Received, Size: f.Size, WaitForRoot: wait})
		fetched = fetched[1:]
	}
	return ins, fetched
}

// move files messages taken in; when another handler moved some meanwhile, the rest
// are moved one by one.
func (w *watcher) move(m *transport.IMAP, uids []uint32) error {
	if err := m.MoveAll(uids, w.mb.Processed); err == nil {
		return nil
	}
	still, _, err := m.Inbox()
	if err != nil {
		return err
	}
	for _, uid := range uids {
		if !slices.Contains(still, uid) {
			continue
		}
		if err := m.Move(uid, w.mb.Processed); err != nil && !errors.Is(err, transport.ErrGone) {
			return err
		}
	}
	return nil
}

// settle decides on the replies that wait for their thread: while the thread's
// first message is in the mailbox (a handler has it or will take it in) and the wait
// is short, they wait; else they open the thread's ticket themselves.
func (w *watcher) settle(ctx context.Context, m *transport.IMAP, waits []waitFor) error {
	now := w.h.cfg.Now()
	var open []uint32
	for _, x := range waits {
		first, ok := w.waiting[x.uid]
		if !ok {
			w.waiting[x.uid], first = now, now
		}
		held := false
		for _, folder := range []string{w.mb.Processed, "INBOX"} {
			if has, err := m.Has(folder, x.root); err != nil {
				return err
			} else if has {
				held = true
			}
		}
		if !held || now.Sub(first) > maxWait {
			open = append(open, x.uid)
		}
	}
	if len(open) == 0 {
		return nil
	}
	if _, _, err := m.Inbox(); err != nil {
		return err
	}
	_, err := w.takeAll(ctx, m, open, false)
	return err
}

// mine returns the messages this handler takes in now: those the claim rule gives
// it among the handlers online, and those left to another for longer than takeOver.
func (w *watcher) mine(uids []uint32) []uint32 {
	me, online := w.h.cfg.Mailboxes.Device(), w.h.cfg.Online()
	var live []string
	for _, d := range w.mb.Handlers {
		if d == me || slices.Contains(online, d) {
			live = append(live, d)
		}
	}
	now := w.h.cfg.Now()
	seen := map[uint32]time.Time{}
	var out []uint32
	for _, uid := range uids {
		if channel.Claimant(strconv.FormatUint(uint64(uid), 10), live) == me {
			out = append(out, uid)
			continue
		}
		first, ok := w.seen[uid]
		if !ok {
			first = now
		}
		if now.Sub(first) >= takeOver {
			out = append(out, uid)
		} else {
			seen[uid] = first
		}
	}
	w.seen = seen
	return out
}
