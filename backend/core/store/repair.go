package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dropEmptyLogs removes the value-log and memtable files of zero length from
// Badger's directory. Badger creates such a file and then sizes it; a crash between
// the two (a kill or a power cut while it moves to a new file) leaves an empty file
// that Badger then refuses to open ("Open existing file ...: Create a new file", or
// "while opening memtables ...: Create a new file"), and the replica could never
// open again. An empty file holds nothing, so removing it loses nothing: Badger
// creates the file anew.
func dropEmptyLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the data directory: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".vlog") && !strings.HasSuffix(e.Name(), ".mem") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("remove the empty log file %s left by a crash: %w", e.Name(), err)
		}
	}
	return nil
}
