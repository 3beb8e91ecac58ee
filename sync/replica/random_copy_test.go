package replica

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// copyStill copies the regular files under src to dst as they stand at one
// moment: Badger may be flushing a memtable in the background (just after it
// opened one left by a crash), so the copy is taken again until the files were
// the same (names, sizes, times) before and after it.
func copyStill(src, dst string) error {
	for range 100 {
		before, lerr := listTree(src) // fails too when a file goes while it is read
		if err := os.RemoveAll(dst); err != nil {
			return err
		}
		err := copyTree(src, dst)
		after, aerr := listTree(src)
		if lerr == nil && err == nil && aerr == nil && before == after {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("the files of %s kept changing", src)
}

// listTree describes every file under dir by name, size and modification time.
func listTree(dir string) (string, error) {
	var b strings.Builder
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %d\n", path, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return b.String(), err
}

// copyTree copies the regular files under src to dst, leaving holes where a
// file is zeros (Badger's preallocated log files are mostly holes).
func copyTree(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		return copySparse(path, to, info.Size())
	})
}

// copySparse copies file from to to, size bytes, writing only its data: the holes
// are found with SEEK_DATA and SEEK_HOLE where the file system tells them, else by
// reading zeros.
func copySparse(from, to string, size int64) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := copyData(in, out, size); errors.Is(err, errNoHoles) {
		err = copyNonZero(in, out)
	} else if err != nil {
		out.Close()
		return err
	}
	if err := out.Truncate(size); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Where the file system says where a file's data and holes are (Linux, and others).
const (
	seekData = 3
	seekHole = 4
)

var errNoHoles = errors.New("the file system does not say where holes are")

// copyData copies the data segments of in to the same offsets of out.
func copyData(in, out *os.File, size int64) error {
	for off := int64(0); off < size; {
		data, err := in.Seek(off, seekData)
		if errors.Is(err, syscall.ENXIO) {
			return nil // only a hole is left
		}
		if err != nil {
			if off == 0 {
				return errNoHoles
			}
			return err
		}
		hole, err := in.Seek(data, seekHole)
		if err != nil {
			return err
		}
		if _, err := in.Seek(data, io.SeekStart); err != nil {
			return err
		}
		if _, err := out.Seek(data, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.CopyN(out, in, hole-data); err != nil {
			return err
		}
		off = hole
	}
	return nil
}

// copyNonZero copies in to out from the start, seeking past blocks of zeros.
func copyNonZero(in, out *os.File) error {
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return err
	}
	buf, zero := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		n, rerr := io.ReadFull(in, buf)
		var werr error
		if bytes.Equal(buf[:n], zero[:n]) {
			_, werr = out.Seek(int64(n), io.SeekCurrent)
		} else {
			_, werr = out.Write(buf[:n])
		}
		switch {
		case werr != nil:
			return werr
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			return nil
		case rerr != nil:
			return rerr
		}
	}
}
