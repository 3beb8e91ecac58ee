// Package team keeps this device's team membership (team ID, name, keys, known
// peer addresses) in the data directory, and makes and reads invite codes.
package team

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"outpost/backend/core/change"
)

// KeySize is the team key length: 32 bytes selects AES-256-GCM in memberlist.
const KeySize = 32

// FileName is where the team membership is kept inside the data directory (mode 0600).
const FileName = "team.json"

// ErrNoTeam means this device has not created or joined a team.
var ErrNoTeam = errors.New("this device is not in a team: create one or join with an invite code")

// Team is this device's membership.
type Team struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Keys  [][]byte `json:"keys"`  // primary first; others still accepted during a rotation
	Peers []string `json:"peers"` // host:port addresses of peers, from invites, mDNS and gossip
	// Seen is when a member last answered at each address of Peers; an address without
	// an entry (an invite's, or one saved before this was kept) counts from when the replica starts.
	Seen map[string]time.Time `json:"seen,omitempty"`
	// Owner is the device that created the team, its first owner (see backend/roles);
	// "" for a team made before roles, whose changes no role restricts.
	Owner string `json:"owner,omitempty"`
}

// New creates a team with a random ID and key.
func New(name string) (Team, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 80 || !utf8.ValidString(name) {
		return Team{}, errors.New("team name: give a name of 1 to 80 characters")
	}
	key, err := NewKey()
	if err != nil {
		return Team{}, err
	}
	id := make([]byte, 10)
	if _, err := rand.Read(id); err != nil {
		return Team{}, fmt.Errorf("make team id: %w", err)
	}
	return Team{ID: fmt.Sprintf("team-%x", id), Name: name, Keys: [][]byte{key}}, nil
}

// NewKey returns a random team key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("make team key: %w", err)
	}
	return k, nil
}

// Validate checks a team read from disk or an invite.
func (t Team) Validate() error {
	if !change.ValidName(t.ID) {
		return fmt.Errorf("team id %q is not valid", t.ID)
	}
	if t.Owner != "" && !change.ValidName(t.Owner) {
		return fmt.Errorf("team owner %q is not a device ID", t.Owner)
	}
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 80 {
		return errors.New("team name is missing or too long")
	}
	if len(t.Keys) == 0 || len(t.Keys) > 4 {
		return errors.New("team has no key (or too many)")
	}
	for _, k := range t.Keys {
		if len(k) != KeySize {
			return fmt.Errorf("team key of %d bytes (want %d)", len(k), KeySize)
		}
	}
	return nil
}

// AddPeers records addresses, keeping each once (at most 64, newest kept).
func (t *Team) AddPeers(addrs ...string) {
	for _, a := range addrs {
		if a == "" || contains(t.Peers, a) {
			continue
		}
		t.Peers = append(t.Peers, a)
	}
	if len(t.Peers) > 64 {
		for _, a := range t.Peers[:len(t.Peers)-64] {
			delete(t.Seen, a)
		}
		t.Peers = t.Peers[len(t.Peers)-64:]
	}
}

// SawPeer records that a member answered at addr at the given time, adding addr to Peers.
func (t *Team) SawPeer(addr string, at time.Time) {
	t.AddPeers(addr)
	if !contains(t.Peers, addr) {
		return
	}
	if t.Seen == nil {
		t.Seen = map[string]time.Time{}
	}
	t.Seen[addr] = at.UTC()
}

// RemovePeer forgets an address; it reports whether the team knew it.
func (t *Team) RemovePeer(addr string) bool {
	n := len(t.Peers)
	t.Peers = slices.DeleteFunc(t.Peers, func(a string) bool { return a == addr })
	delete(t.Seen, addr)
	return len(t.Peers) != n
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Load reads the team from dataDir, or ErrNoTeam.
func Load(dataDir string) (Team, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		return Team{}, ErrNoTeam
	}
	if err != nil {
		return Team{}, fmt.Errorf("read team: %w", err)
	}
	var t Team
	if err := json.Unmarshal(b, &t); err != nil {
		return Team{}, fmt.Errorf("read team: %s is damaged: %w", FileName, err)
	}
	if err := t.Validate(); err != nil {
		return Team{}, fmt.Errorf("read team: %w", err)
	}
	return t, nil
}

// Save writes the team to dataDir atomically with owner-only permissions.
func Save(dataDir string, t Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("save team: %w", err)
	}
	if err := writeFile(dataDir, FileName, b); err != nil {
		return fmt.Errorf("save team: %w", err)
	}
	return nil
}

// writeFile replaces dataDir/name atomically with owner-only permissions.
func writeFile(dataDir, name string, b []byte) error {
	tmp := filepath.Join(dataDir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
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
	return os.Rename(tmp, filepath.Join(dataDir, name))
}

// Leave forgets the team on this device. The replica's data stays.
func Leave(dataDir string) error {
	err := os.Remove(filepath.Join(dataDir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		return ErrNoTeam
	}
	return err
}
