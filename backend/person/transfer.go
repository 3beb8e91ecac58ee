package person

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"

	"outpost/backend/core/field"
)

// Limits on exported identities.
const (
	MinPassphrase = 10
	MaxPassphrase = 1024
	maxExport     = 16 << 10
)

func checkPassphrase(p string) error {
	switch {
	case len(p) < MinPassphrase:
		return field.Errorf("passphrase", "must be at least %d characters", MinPassphrase)
	case len(p) > MaxPassphrase:
		return field.Errorf("passphrase", "is longer than %d characters", MaxPassphrase)
	}
	return nil
}

// Export returns this device's person identity (person ID, private key and profile)
// encrypted with passphrase (age scrypt) and armoured, for import on the person's
// other device. Anyone with the text and the passphrase can read everything sealed
// to this person: it is shown once and should travel by hand.
func (s *Service) Export(passphrase string) (string, error) {
	if err := checkPassphrase(passphrase); err != nil {
		return "", err
	}
	p, _, err := s.Current()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	loc := *s.loc
	s.mu.Unlock()
	loc.Profile = Profile{Name: p.Name, Role: p.Role, TechnicianID: p.TechnicianID}
	plain, err := json.Marshal(loc)
	if err != nil {
		return "", fmt.Errorf("export identity: %w", err)
	}
	rcpt, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return "", fmt.Errorf("export identity: %w", err)
	}
	rcpt.SetWorkFactor(s.workFactor)
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, rcpt)
	if err != nil {
		return "", fmt.Errorf("export identity: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return "", fmt.Errorf("export identity: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("export identity: %w", err)
	}
	if err := aw.Close(); err != nil {
		return "", fmt.Errorf("export identity: %w", err)
	}
	return buf.String(), nil
}

// Import binds this device to the person in an exported identity. A device already
// set up as another person refuses: its own key would be lost.
func (s *Service) Import(text, passphrase string) (Me, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Me{}, field.Errorf("identity", "is required: paste the text exported on your other device")
	}
	if len(text) > maxExport {
		return Me{}, field.Errorf("identity", "is longer than an exported identity can be")
	}
	if passphrase == "" {
		return Me{}, field.Errorf("passphrase", "is required")
	}
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return Me{}, field.Errorf("passphrase", "is required")
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(text)), id)
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return Me{}, field.Errorf("passphrase", "does not open this identity")
	}
	if err != nil {
		return Me{}, field.Errorf("identity", "is not an identity exported by Outpost (or it was cut short)")
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxExport))
	if err != nil {
		return Me{}, field.Errorf("identity", "is damaged or was cut short")
	}
	var loc local
	if err := json.Unmarshal(plain, &loc); err != nil || loc.validate() != nil {
		return Me{}, field.Errorf("identity", "is not an identity exported by Outpost")
	}
	key, _ := loc.identity()
	if p, err := s.Get(loc.Person); err == nil && p.Recipient != "" && p.Recipient != key.Recipient().String() {
		return Me{}, field.Errorf("identity", "holds a different key for %s than the one the team knows; export it again from the device %s uses now", p.Name, p.Name)
	}
	s.mu.Lock()
	if s.loc != nil && s.loc.Person != loc.Person {
		name := s.loc.Profile.Name
		s.mu.Unlock()
		return Me{}, field.Errorf("identity", "this device is already set up as %s; use a device that is not set up yet", name)
	}
	if err := saveLocal(s.dir, loc); err != nil {
		s.mu.Unlock()
		return Me{}, err
	}
	s.loc, s.key = &loc, key
	s.mu.Unlock()
	return s.Me()
}
