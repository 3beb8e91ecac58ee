package store

import (
	"errors"
	"fmt"
)

// ErrDiskFull is the error of a write refused because the disk that holds the
// data directory has too little space left to save it safely.
var ErrDiskFull = errors.New("the disk that holds Outpost's data is full")

// MinFreeBytes is the free space below which the store refuses writes. Badger
// writes through memory-mapped files that take their disk space only as pages are
// touched; a touched page the disk cannot hold kills the process (SIGBUS) instead
// of failing the write. The margin covers what a write may still take before the
// next check: the open memtable's log (twice the 16 MB memtable, as Badger maps
// it) and the table its flush writes; spaceNeeded adds what a compaction may take.
const MinFreeBytes = 96 << 20

// DiskFullError says how much space is free and how much a write needs.
type DiskFullError struct {
	Dir        string
	Free, Need uint64
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the disk that holds Outpost's data (%s) is nearly full: %s free, at least %s needed to save safely. "+
		"Nothing was saved; free some space on that disk and try again", e.Dir, megabytes(e.Free), megabytes(e.Need))
}

// Is makes errors.Is(err, ErrDiskFull) true.
func (e *DiskFullError) Is(target error) bool { return target == ErrDiskFull }

func megabytes(n uint64) string { return fmt.Sprintf("%d MB", n>>20) }

// checkSpace refuses a write when the data directory's disk has less free space
// left than spaceNeeded. Reading stays possible.
func (s *Store) checkSpace() error {
	free, err := freeBytes(s.dir)
	if err != nil {
		return nil // a file system that cannot say: Badger's own errors are all there is
	}
	if need := s.spaceNeeded(); free < need {
		return &DiskFullError{Dir: s.dir, Free: free, Need: need}
	}
	return nil
}

// spaceNeeded is the store's minimum free space (Options.MinFreeBytes) plus what
// the next compaction of the smallest levels may write before it frees its
// inputs: level 0 merges into the base level, rewriting both. Level 0 holds up to
// 20 flushed memtables, so a fixed margin covered it only while it was small.
func (s *Store) spaceNeeded() uint64 {
	need := s.minFree
	for _, l := range s.db.Levels() {
		if l.Level == 0 || l.IsBaseLevel {
			need += uint64(l.Size)
		}
	}
	return need
}
