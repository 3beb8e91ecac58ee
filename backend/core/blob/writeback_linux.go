package blob

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the system to start writing a range of f to disk now, without
// waiting for it: a file received at hundreds of MB/s then never holds a burst of dirty
// pages for its final sync to flush, which would hold up every other sync on the disk
// (the store's commits, and with them the team's edits).
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
