package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dropEmptyValueLogs removes the value-log files of zero length from Badger's
// directory. Badger creates a value-log file and then sizes it; a crash between the
// two (a kill or a power cut while it moves to a new file) leaves an empty file that
// Badger then refuses to open ("Open existing file ...: Create a new file"), and the
// replica could never open again. An empty file holds nothing, so removing it loses
// nothing: Badger creates the file anew.
func dropEmptyValueLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the data directory: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".vlog") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("remove the empty value log %s left by a crash: %w", e.Name(), err)
		}
	}
	return nil
}
