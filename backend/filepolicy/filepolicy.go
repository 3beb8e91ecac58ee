// Package filepolicy keeps the team's attachment settings: the largest file accepted, the size
// up to which files are fetched from peers as soon as their record arrives, the disk space a
// device keeps for them before it warns, and whether photos lose their location when added.
// The settings are one team setting, a record in the change log, so every device applies the
// same ones.
package filepolicy

import (
	"context"
	"errors"
	"io"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/photo"
)

// Kind and ID of the setting's record.
const (
	Kind = "setting"
	ID   = "attachments"
)

const fSettings = "settings"

// Bounds of the settings, in MB (2^20 bytes).
const (
	MaxFileLimitMB = 16 << 10 // a blob's manifest covers at most 16 GiB
	MinQuotaMB     = 100
	MaxQuotaMB     = 64 << 20 // 64 TiB
)

// Settings are the team's attachment settings. Sizes are in MB (2^20 bytes).
type Settings struct {
	// MaxFileMB is the largest file that can be attached (default 200).
	MaxFileMB int `json:"maxFileMB"`
	// EagerMB: files up to this size are fetched from peers as soon as their record
	// arrives, so an offline technician has them; larger ones when opened (default 25).
	EagerMB int `json:"eagerMB"`
	// QuotaMB is the disk space a device keeps for attachments; past it the app warns (default 10 GB).
	QuotaMB int `json:"quotaMB"`
	// StripLocation removes the GPS position from JPEG photos when they are added (default off).
	StripLocation bool `json:"stripLocation"`
}

// Defaults are the settings a team has until it saves its own.
var Defaults = Settings{MaxFileMB: 200, EagerMB: 25, QuotaMB: 10 << 10}

// MaxFile is the largest file accepted, in bytes.
func (s Settings) MaxFile() int64 { return int64(s.MaxFileMB) << 20 }

// Eager is the size up to which files are fetched at once, in bytes.
func (s Settings) Eager() int64 { return int64(s.EagerMB) << 20 }

// Quota is the disk space kept for attachments, in bytes.
func (s Settings) Quota() int64 { return int64(s.QuotaMB) << 20 }

// Incoming is how the bytes of a file being added are stored: with the location removed
// from a JPEG photo when the team asks for it, as they are otherwise.
func (s Settings) Incoming(r io.Reader) (io.Reader, error) {
	if !s.StripLocation {
		return r, nil
	}
	return photo.StripLocation(r)
}

// Validate checks the settings, naming the field at fault.
func (s Settings) Validate() error {
	switch {
	case s.MaxFileMB < 1 || s.MaxFileMB > MaxFileLimitMB:
		return field.Errorf("maxFileMB", "must be between 1 and %d MB", MaxFileLimitMB)
	case s.EagerMB < 0 || s.EagerMB > s.MaxFileMB:
		return field.Errorf("eagerMB", "must be between 0 and the largest file (%d MB)", s.MaxFileMB)
	case s.QuotaMB < MinQuotaMB || s.QuotaMB > MaxQuotaMB:
		return field.Errorf("quotaMB", "must be between %d MB and %d MB", MinQuotaMB, MaxQuotaMB)
	case int64(s.QuotaMB) < int64(s.MaxFileMB):
		return field.Errorf("quotaMB", "must be at least the largest file (%d MB)", s.MaxFileMB)
	}
	return nil
}

// Get returns the team's settings (the defaults until the team saves its own). A record that
// does not validate (written by a newer or damaged device) reads as the defaults.
func Get(st *store.Store) (Settings, error) {
	r, err := st.Get(Kind, ID)
	if errors.Is(err, store.ErrNotFound) {
		return Defaults, nil
	}
	if err != nil {
		return Defaults, err
	}
	var s Settings
	if ok, _ := r.Get(fSettings, &s); !ok || r.Deleted() || s.Validate() != nil {
		return Defaults, nil
	}
	return s, nil
}

// Save validates and stores the team's settings, one change in the log.
func Save(ctx context.Context, st *store.Store, author string, s Settings) (Settings, error) {
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	_, err := record.Upsert(ctx, st, author, Kind, ID, func(r change.Record, ops *change.Ops) error {
		ops.Put(r, fSettings, s)
		return nil
	})
	if err != nil {
		return Settings{}, err
	}
	return s, nil
}

// Touched reports whether a commit changed the settings.
func Touched(e store.Event) bool {
	for _, id := range e.Touched()[Kind] {
		if id == ID {
			return true
		}
	}
	return false
}
