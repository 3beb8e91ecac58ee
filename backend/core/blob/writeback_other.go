//go:build !linux

package blob

import "os"

// startWriteback does nothing where the system cannot start writeback of a range.
func startWriteback(*os.File, int64, int64) {}
