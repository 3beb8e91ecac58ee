package replica

import (
	"time"
)

// A peer that keeps sending bad messages (malformed ones, forged chunks, changes its
// own device signed badly or may no longer make) is muted: after MuteAfter of them
// within MuteWindow, its live changes, notices and malformed messages are dropped unread
// for MuteFor (its pulls, chunks and states still count: see keptWhileMuted). A muting is logged
// once, with the address and the device the messages claimed, and counted in Stats.
//
// memberlist does not say which address a user message came from, only the device it
// names: a sender is known by the address memberlist holds for the device it claims
// (the memberlist name of a member is its device ID), or by the claim alone when no
// member goes by that name. Only a member holding the team key can send at all.

// source is what the replica keeps of one sender's bad messages.
type source struct {
	bad   int       // bad messages in the current window
	since time.Time // the window's start
	until time.Time // muted until then; zero if not muted
}

// sourceKey names a sender by the address memberlist holds for the device it
// claims, or by the claim when no member has that name. r.mu must be held.
func (r *Replica) sourceKeyLocked(from string) string {
	if a := r.addrLocked(from); a != "" {
		return a
	}
	return "unknown address, claiming " + from
}

// addrLocked returns the address memberlist reaches device at, "" if unknown. r.mu must be held.
func (r *Replica) addrLocked(device string) string {
	if p, ok := r.peers[device]; ok {
		return p.addr
	}
	return ""
}

// addr is addrLocked for callers that do not hold r.mu.
func (r *Replica) addr(device string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addrLocked(device)
}

// noteBad counts a bad message from the sender claiming to be from, and mutes it
// once it sent MuteAfter of them within MuteWindow.
func (r *Replica) noteBad(from string, err error) {
	now := time.Now()
	r.mu.Lock()
	key := r.sourceKeyLocked(from)
	s := r.sources[key]
	if s == nil {
		if len(r.sources) >= maxSources {
			r.pruneSourcesLocked(now)
		}
		s = &source{since: now}
		r.sources[key] = s
	}
	if now.Sub(s.since) > r.cfg.MuteWindow {
		s.bad, s.since = 0, now
	}
	s.bad++
	mute := s.bad >= r.cfg.MuteAfter && !now.Before(s.until)
	if mute {
		s.until, s.bad, s.since = now.Add(r.cfg.MuteFor), 0, now
		r.stats.Mutes++
	}
	r.mu.Unlock()
	if mute {
		r.log.Warn("muted a peer that keeps sending bad messages: its messages are dropped for a while",
			"addr", key, "device", from, "bad", r.cfg.MuteAfter, "within", r.cfg.MuteWindow, "for", r.cfg.MuteFor, "last_err", err)
	}
}

// muted reports whether messages claiming to be from this sender are muted now, and
// counts each one (see keptWhileMuted for the few that are taken all the same).
func (r *Replica) muted(from string) bool {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sources[r.sourceKeyLocked(from)]
	if s == nil || !now.Before(s.until) {
		return false
	}
	r.stats.Muted++
	return true
}

// maxSources bounds how many senders the replica keeps counts of.
const maxSources = 4096

// pruneSourcesLocked forgets senders neither muted nor counting in a live window;
// if every one is, it forgets them all rather than grow. r.mu must be held.
func (r *Replica) pruneSourcesLocked(now time.Time) {
	for k, s := range r.sources {
		if !now.Before(s.until) && now.Sub(s.since) > r.cfg.MuteWindow {
			delete(r.sources, k)
		}
	}
	if len(r.sources) >= maxSources {
		clear(r.sources)
	}
}
