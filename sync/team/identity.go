package team

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// IdentityFile holds this device's age X25519 identity (mode 0600): a rotated team
// key is sealed to it, so it must outlive restarts and team changes.
const IdentityFile = "device-identity.age"

// LoadDeviceIdentity reads this device's sealing identity from dataDir, making it on first use.
func LoadDeviceIdentity(dataDir string) (*age.X25519Identity, error) {
	path := filepath.Join(dataDir, IdentityFile)
	b, err := os.ReadFile(path)
	if err == nil {
		id, perr := age.ParseX25519Identity(strings.TrimSpace(string(b)))
		if perr != nil {
			return nil, fmt.Errorf("read device identity: %s is damaged: %w", IdentityFile, perr)
		}
		return id, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read device identity: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("make device identity: %w", err)
	}
	if err := writeFile(dataDir, IdentityFile, []byte(id.String()+"\n")); err != nil {
		return nil, fmt.Errorf("save device identity: %w", err)
	}
	return id, nil
}
