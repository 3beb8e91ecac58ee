package store

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// LockFile is the file in a data directory that one Outpost process holds locked while
// it uses the directory (flock on Unix, LockFileEx on Windows).
const LockFile = "outpost.lock"

// DirLock is a held lock on a data directory.
type DirLock struct{ f *flock.Flock }

// LockDir takes the data directory's lock without waiting: ErrAlreadyRunning when another
// process (or another store in this one) holds it. Commands that change files of the data
// directory without opening the store, such as `outpost team join`, take it too.
func LockDir(dir string) (*DirLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	f := flock.New(filepath.Join(dir, LockFile), flock.SetFlag(os.O_CREATE|os.O_RDWR), flock.SetPermissions(0o600))
	ok, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if !ok {
		return nil, ErrAlreadyRunning
	}
	return &DirLock{f: f}, nil
}

// Unlock releases the lock; a nil lock is a no-op.
func (l *DirLock) Unlock() {
	if l != nil {
		_ = l.f.Unlock()
	}
}
