package replica

import (
	"crypto/ed25519"
	"errors"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
	"outpost/backend/core/store"
)

// A device whose clock runs ahead stamps changes this replica refuses as too far in
// the future (hlc.MaxDrift). Pulling them again changes nothing until this device's
// clock catches up with their stamps, so the replica remembers, per device, the first
// change it refused and its stamp, and leaves that device out of its pulls (wire.Pull.Skip)
// and out of live traffic until its clock accepts the stamp, or a backoff runs out
// (a safety net: 30 s, doubling up to 10 min). Warnings about it are rate-limited.
const (
	refusedRetryFirst = 30 * time.Second
	refusedRetryMax   = 10 * time.Minute
	// warnEvery is how often one kind of warning about one device is repeated while it persists.
	warnEvery = time.Minute
)

// refusal is what this replica remembers of a device whose changes it refused as
// stamped too far in the future.
type refusal struct {
	seq    uint64        // the first refused change of the device
	stamp  hlc.Timestamp // its timestamp: the device's changes are asked for again once this clock accepts it
	retry  time.Time     // ask again then even if the clock still refuses it
	wait   time.Duration // the backoff after the next refusal
	unsaid int           // refusals since the last warning
	warned time.Time
}

// noteTooFarAhead remembers that c, sent by from, was refused as stamped too far in
// the future, and warns of it at most once a minute per device, naming the peer
// that sent it, its address and the device that stamped it.
func (r *Replica) noteTooFarAhead(from string, c *change.Change, err error) {
	now := time.Now()
	r.mu.Lock()
	f := r.refused[c.Device]
	if f == nil && len(r.refused) >= maxRefused {
		r.mu.Unlock()
		return
	}
	if f == nil {
		f = &refusal{seq: c.Seq, stamp: c.HLC, wait: refusedRetryFirst, retry: now.Add(refusedRetryFirst)}
		r.refused[c.Device] = f
	} else if !now.Before(f.retry) {
		// The retry brought a refusal again: wait longer before the next.
		f.wait = min(2*f.wait, refusedRetryMax)
		f.retry = now.Add(f.wait)
	}
	if c.Seq < f.seq {
		f.seq, f.stamp = c.Seq, c.HLC
	}
	f.unsaid++
	say := now.Sub(f.warned) >= warnEvery
	n, seq, stamp, retry := f.unsaid, f.seq, f.stamp, f.retry
	if say {
		f.unsaid, f.warned = 0, now
	}
	addr := r.addrLocked(from)
	r.mu.Unlock()
	if say {
		r.log.Warn("refused changes stamped too far in the future; not asking for them again until this device's clock reaches them",
			"peer", from, "addr", addr, "device", c.Device, "from_seq", seq, "stamp", stamp.Time().Format(time.RFC3339),
			"refused", n, "retry_by", retry.Format(time.RFC3339), "err", err)
	}
}

// maxRefused bounds how many devices the replica remembers refusals of.
const maxRefused = 1024

// vouched reports whether c carries its device's valid signature. Only such a change's
// refusal is remembered: the store refuses a change stamped too far ahead before it
// checks who signed it, and a member must not make this replica stop asking for another
// device's changes by sending one it forged in that device's name. An unsigned change
// (inside a chained run) vouches for nothing alone; the run's signed change does.
func (r *Replica) vouched(c *change.Change) bool {
	if !c.Signed() {
		return false
	}
	var pub []byte
	rec, err := r.st.Get(store.KindDevice, c.Device)
	switch {
	case err == nil:
		if _, err := rec.Get(store.FieldDevicePubKey, &pub); err != nil {
			return false
		}
	case c.Kind == store.KindDevice && c.Entity == c.Device && c.Seq == 1:
		pub = registeredKey(c) // a device's first change registers its own key
	default:
		return false
	}
	return len(pub) == ed25519.PublicKeySize && c.Verify(ed25519.PublicKey(pub)) == nil
}

// registeredKey returns the public key a device's registration sets, or nil.
func registeredKey(c *change.Change) []byte {
	var pub []byte
	for _, op := range c.Ops {
		if op.Op == change.OpSet && op.Field == store.FieldDevicePubKey {
			rec := change.Record{Fields: map[string]change.Field{op.Field: {Write: change.Write{Value: op.Value}}}}
			if _, err := rec.Get(op.Field, &pub); err != nil {
				return nil
			}
		}
	}
	return pub
}

// dueLocked reports whether device's changes are wanted now: none of them was refused
// as too far ahead, this device's clock accepts the refused stamp by now, or the
// backoff ran out. r.mu must be held.
func (r *Replica) dueLocked(device string, now time.Time) bool {
	f := r.refused[device]
	return f == nil || !now.Before(f.retry) || r.st.Clock().Check(f.stamp) == nil
}

// due is dueLocked for callers that do not hold r.mu.
func (r *Replica) due(device string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dueLocked(device, time.Now())
}

// skipLocked lists the devices whose changes a pull should leave out now. r.mu must be held.
func (r *Replica) skipLocked() []string {
	var out []string
	now := time.Now()
	for d := range r.refused {
		if !r.dueLocked(d, now) {
			out = append(out, d)
		}
	}
	return out
}

// wants reports whether theirs holds a change mine lacks, is wanted now and lies
// beyond asked (what an earlier pull already asked for; nil if none).
func (r *Replica) wants(theirs, mine, asked store.Vector) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for d, s := range theirs {
		if s > mine[d] && s > asked[d] && r.dueLocked(d, now) {
			return true
		}
	}
	return false
}

// clearRefusals forgets refusals this replica got past: it now holds the change it refused.
func (r *Replica) clearRefusals() {
	r.mu.Lock()
	n := len(r.refused)
	r.mu.Unlock()
	if n == 0 {
		return
	}
	v := r.vector()
	r.mu.Lock()
	defer r.mu.Unlock()
	for d, f := range r.refused {
		if v[d] >= f.seq {
			delete(r.refused, d)
		}
	}
}

// rejected logs and counts the changes a store refused. A change refused as too far
// ahead is remembered (noteTooFarAhead); others are warned of at most once a minute
// per sender and device. A change refused from its own device (a bad signature, a
// removed device, ...) counts as a bad message from it (see noteBad); a relayed one
// does not, as the relaying peer may hold it honestly. sentBy names who sent each change.
func (r *Replica) rejected(res store.ApplyResult, sent []change.Change, sentBy func(change.ID) string) {
	if len(res.Rejected) == 0 {
		return
	}
	byID := make(map[change.ID]*change.Change, len(sent))
	for i := range sent {
		byID[sent[i].ID()] = &sent[i]
	}
	r.count(func(s *Stats) { s.Rejected += len(res.Rejected) })
	for _, rej := range res.Rejected {
		from := sentBy(rej.ID)
		c := byID[rej.ID]
		if c != nil && errors.Is(rej.Err, hlc.ErrTooFarAhead) {
			if r.vouched(c) {
				r.noteTooFarAhead(from, c, rej.Err)
			} else if r.limitWarn("ahead unsigned " + from + " " + c.Device) {
				r.log.Warn("rejected a change stamped too far in the future", "peer", from, "addr", r.addr(from),
					"device", c.Device, "change", rej.ID.String(), "err", rej.Err)
			}
			continue
		}
		if from == rej.ID.Device {
			r.noteBad(from, rej.Err)
		}
		if r.limitWarn("rejected " + from + " " + rej.ID.Device) {
			r.log.Warn("rejected a change", "peer", from, "addr", r.addr(from), "device", rej.ID.Device,
				"change", rej.ID.String(), "err", rej.Err)
		}
	}
}

// limitWarn reports whether a warning of this key may be logged now: once a minute at most.
func (r *Replica) limitWarn(key string) bool {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if last, ok := r.warned[key]; ok && now.Sub(last) < warnEvery {
		return false
	}
	if len(r.warned) > 10_000 {
		clear(r.warned) // bounded: a flood of distinct keys costs at most repeated warnings
	}
	r.warned[key] = now
	return true
}
