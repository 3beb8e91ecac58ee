package store

import (
	"errors"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// valueThreshold is the size above which Badger keeps a value in its value log and only a
// pointer in the LSM tree. Badger's default (1 MB) keeps every record in the tree, where each
// compaction rewrites it: importing a 100k-row export took 40 s at a peak of 1.09 GB RSS that
// way, and 22 s at 0.55 GB with this threshold (the same machine, back to back). Most
// records (a ticket with its description and comments) are larger than this.
const valueThreshold = 512

// gcEvery is how often the value log is cleaned of values that newer writes replaced.
const gcEvery = 5 * time.Minute

// gcDiscard is the share of a value-log file that must be stale before it is rewritten. The
// change log is kept for good, so a file is at most about half replaced record versions:
// a quarter stale is worth rewriting the rest.
const gcDiscard = 0.25

// collectValueLog rewrites value-log files whose values were mostly replaced (a record's
// earlier versions) until none is worth it, every gcEvery, until stop closes.
func (s *Store) collectValueLog(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(gcEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if n, err := s.cleanValueLog(stop); err != nil {
				s.log.Warn("value log not cleaned", "err", err)
			} else if n > 0 {
				s.log.Debug("value log cleaned", "files", n)
			}
		}
	}
}

// cleanValueLog runs Badger's value-log collection until it finds nothing to rewrite and
// returns how many files it rewrote.
func (s *Store) cleanValueLog(stop <-chan struct{}) (int, error) {
	n := 0
	for {
		select {
		case <-stop:
			return n, nil
		default:
		}
		err := s.db.RunValueLogGC(gcDiscard)
		switch {
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected):
			return n, nil
		case err != nil:
			return n, err
		}
		n++
	}
}
