package person

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"filippo.io/age"
)

// FileName is the file in the data directory that binds this device to a person and
// holds that person's private age key. It is written with mode 0600 and never replicated.
const FileName = "person.key"

// local is the content of FileName (and, encrypted, of an exported identity).
type local struct {
	Person  string  `json:"person"`
	Key     string  `json:"key"`     // AGE-SECRET-KEY-1...
	Profile Profile `json:"profile"` // as last known here; the replicated record wins once present
}

func (l local) identity() (*age.X25519Identity, error) {
	id, err := age.ParseX25519Identity(l.Key)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	return id, nil
}

func (l local) validate() error {
	if l.Person == "" || len(l.Person) > 64 {
		return errors.New("no person ID")
	}
	_, err := l.identity()
	return err
}

// loadLocal reads the binding; it returns nil when the device is not set up.
func loadLocal(dir string) (*local, error) {
	path := filepath.Join(dir, FileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read person key: %w", err)
	}
	var l local
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("read person key: %s is damaged: %w", path, err)
	}
	if err := l.validate(); err != nil {
		return nil, fmt.Errorf("read person key: %s is damaged: %w", path, err)
	}
	return &l, nil
}

// saveLocal writes the binding durably: a private temporary file, synced, renamed into place.
func saveLocal(dir string, l local) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("encode person key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save person key: %w", err)
	}
	f, err := os.CreateTemp(dir, FileName+".*")
	if err != nil {
		return fmt.Errorf("save person key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("save person key: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("save person key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save person key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save person key: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("save person key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
