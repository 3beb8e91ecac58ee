package team

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// invitePrefix starts every invite code.
const invitePrefix = "OUTPOST1-"

// MaxInvite bounds the length of an invite code.
const MaxInvite = 4096

// ErrBadInvite reports a code that is not a valid Outpost invite.
var ErrBadInvite = errors.New("this is not a valid Outpost invite code")

type invite struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Key   []byte   `json:"key"`
	Older [][]byte `json:"older,omitempty"` // other installed keys during a rotation
	Addrs []string `json:"addrs"`
	Owner string   `json:"owner,omitempty"` // the device that created the team: its first owner
}

// Invite returns a copy-pasteable code carrying the team ID, name, keys (the
// primary, and the others while a rotation is under way) and the addresses a new device can reach this one at. Anyone holding it can join:
// share it only with the person joining.
func Invite(t Team, addrs []string) (string, error) {
	if err := t.Validate(); err != nil {
		return "", err
	}
	body, err := json.Marshal(invite{ID: t.ID, Name: t.Name, Key: t.Keys[0], Older: t.Keys[1:], Addrs: addrs, Owner: t.Owner})
	if err != nil {
		return "", fmt.Errorf("make invite: %w", err)
	}
	sum := sha256.Sum256(body)
	return invitePrefix + base64.RawURLEncoding.EncodeToString(append(body, sum[:4]...)), nil
}

// ParseInvite reads an invite code, with a message naming what is wrong.
func ParseInvite(code string) (Team, error) {
	code = strings.Join(strings.Fields(code), "") // codes pasted from chat may wrap
	if len(code) > MaxInvite {
		return Team{}, fmt.Errorf("%w: it is too long", ErrBadInvite)
	}
	rest, ok := strings.CutPrefix(code, invitePrefix)
	if !ok {
		return Team{}, fmt.Errorf("%w: it should start with %s", ErrBadInvite, invitePrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) < 5 {
		return Team{}, fmt.Errorf("%w: it is damaged (copy it again)", ErrBadInvite)
	}
	body, check := raw[:len(raw)-4], raw[len(raw)-4:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:4], check) {
		return Team{}, fmt.Errorf("%w: it is damaged (copy it again)", ErrBadInvite)
	}
	var inv invite
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&inv); err != nil {
		return Team{}, fmt.Errorf("%w: its contents are not an invite's (was it made by a newer Outpost?)", ErrBadInvite)
	}
	t := Team{ID: inv.ID, Name: inv.Name, Keys: append([][]byte{inv.Key}, inv.Older...), Owner: inv.Owner}
	if err := t.Validate(); err != nil {
		return Team{}, fmt.Errorf("%w: %v", ErrBadInvite, err)
	}
	if len(inv.Addrs) > 16 {
		return Team{}, fmt.Errorf("%w: too many addresses", ErrBadInvite)
	}
	for _, a := range inv.Addrs {
		host, port, err := net.SplitHostPort(a)
		p, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
			return Team{}, fmt.Errorf("%w: one of its addresses is not host:port", ErrBadInvite)
		}
	}
	t.Peers = inv.Addrs
	return t, nil
}
