// Package atomicfile replaces a file in one step: the new content is written and synced to a
// temporary file beside it, then renamed over it, so a reader sees the old file or the new one.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write writes data to path through a temporary file beside it, so a failed
// write never leaves the person's file half-replaced.
func Write(path string, data []byte) error {
	return WriteFrom(path, func(w io.Writer) error { _, err := w.Write(data); return err })
}

// WriteFrom is Write for content that write streams.
func WriteFrom(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
