//go:build !linux

package httpapi

import "testing"

// watchOpens needs inotify; elsewhere the folder listing at the end of the test still checks writes.
func watchOpens(t *testing.T, dir string) func() []string { return func() []string { return nil } }
