package mailbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"filippo.io/age"
)

// KindDeviceKey is the record kind in which a device publishes the public key that
// mailbox credentials are sealed to. Its ID is the device ID, and only a write by
// that device itself counts (a key published for another device is ignored).
const KindDeviceKey = "mail-device-key"

// DeviceKeyFile is the file in the data directory holding this device's private
// age key for mailbox credentials. It is written with mode 0600 and never replicated,
// exported or backed up: a device that is not a handler has nothing to open them with.
const DeviceKeyFile = "mail-device.key"

type deviceKey struct {
	Key string `json:"key"` // AGE-SECRET-KEY-1...
}

// loadDeviceKey reads this device's mail key from dir, creating it on first use.
func loadDeviceKey(dir string) (*age.X25519Identity, error) {
	path := filepath.Join(dir, DeviceKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		var k deviceKey
		if err := json.Unmarshal(b, &k); err != nil {
			return nil, fmt.Errorf("read mail key: %s is damaged: %w", path, err)
		}
		id, err := age.ParseX25519Identity(k.Key)
		if err != nil {
			return nil, fmt.Errorf("read mail key: %s is damaged: %w", path, err)
		}
		return id, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read mail key: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("make mail key: %w", err)
	}
	raw, err := json.Marshal(deviceKey{Key: id.String()})
	if err != nil {
		return nil, err
	}
	if err := writeFileSynced(path, raw); err != nil {
		return nil, fmt.Errorf("save mail key: %w", err)
	}
	return id, nil
}

// writeFileSynced writes a private file durably: a temporary file, synced, renamed.
func writeFileSynced(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".mailkey-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
