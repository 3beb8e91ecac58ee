package channel

import (
	"slices"
	"sync"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// index is derived from the mail and outbox records: which mail belongs to which
// ticket, which ticket a Message-ID is on, what is still to send, and how many
// automatic mails each address got lately. It is rebuilt at start and kept fresh from
// the store's commits; it is never stored.
type index struct {
	mu      sync.RWMutex
	mails   map[string][]string // ticket -> mail records
	outs    map[string][]string // ticket -> outbox records
	byMsgID map[string]string   // Message-ID -> ticket
	queued  map[string]bool     // outbox records not sent nor failed
	autos   map[string][]time.Time
	cancel  func()
}

func newIndex(st *store.Store) (*index, error) {
	x := &index{mails: map[string][]string{}, outs: map[string][]string{}, byMsgID: map[string]string{},
		queued: map[string]bool{}, autos: map[string][]time.Time{}}
	x.cancel = st.Subscribe(func(e store.Event) {
		for _, kind := range []string{KindMail, KindOutbox} {
			for _, id := range e.Touched()[kind] {
				r, ok := e.Record(kind, id)
				if !ok {
					var err error
					if r, err = st.Get(kind, id); err != nil {
						continue
					}
				}
				x.put(kind, r)
			}
		}
	})
	for _, kind := range []string{KindMail, KindOutbox} {
		err := st.Scan(kind, func(r change.Record) error {
			x.put(kind, r)
			return nil
		})
		if err != nil {
			x.cancel()
			return nil, err
		}
	}
	return x, nil
}

func (x *index) close() { x.cancel() }

func (x *index) put(kind string, r change.Record) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if kind == KindMail {
		m := mailFromRecord(r)
		if m.Ticket != "" {
			addOnce(x.mails, m.Ticket, m.ID)
			if m.MessageID != "" {
				x.byMsgID[m.MessageID] = m.Ticket
			}
		}
		return
	}
	o := outFromRecord(r)
	if o.Ticket != "" {
		addOnce(x.outs, o.Ticket, o.ID)
		x.byMsgID[o.MessageID] = o.Ticket
	}
	if o.State == Queued {
		x.queued[o.ID] = true
	} else {
		delete(x.queued, o.ID)
	}
	if o.Kind == OutAck {
		for _, to := range o.To {
			if !slices.Contains(x.autos[to.Email], o.Queued) {
				x.autos[to.Email] = append(x.autos[to.Email], o.Queued)
			}
		}
	}
}

func addOnce(m map[string][]string, key, v string) {
	if !slices.Contains(m[key], v) {
		m[key] = append(m[key], v)
	}
}

func (x *index) thread(ticket string) (mails, outs []string) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.mails[ticket]), slices.Clone(x.outs[ticket])
}

func (x *index) ticketOf(msgID string) (string, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	t, ok := x.byMsgID[msgID]
	return t, ok
}

func (x *index) pending() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]string, 0, len(x.queued))
	for id := range x.queued {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// autosSince counts the automatic mails queued to addr since t.
func (x *index) autosSince(addr string, t time.Time) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := 0
	for _, at := range x.autos[addr] {
		if !at.Before(t) {
			n++
		}
	}
	return n
}
