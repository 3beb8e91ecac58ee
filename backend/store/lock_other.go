//go:build !unix

package store

import "os"

// lockDir relies on Badger's own directory lock where flock is unavailable;
// Open translates Badger's lock error into ErrAlreadyRunning.
func lockDir(string) (*os.File, error) { return nil, nil }

func unlockDir(*os.File) {}
