package mailbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/record"
	"outpost/backend/core/sealed"
	"outpost/backend/core/store"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("no such mailbox")
	// ErrNotHandler means this device is not one the mailbox's credentials are sealed to.
	ErrNotHandler = errors.New("this device does not handle this mailbox's mail, so it cannot read its passwords")
	// ErrNoKey means a chosen handler device has not published its mail key yet.
	ErrNoKey = errors.New("a device chosen to handle mail has not been online with this version yet")
	// ErrReseal means the handlers changed but this device cannot open the passwords to seal them again.
	ErrReseal = errors.New("enter the mailbox passwords again to hand them to the devices you chose")
)

const (
	fSettings = "settings"
	fSecret   = "secret"
)

// KindDeviceKey is the record kind in which each device publishes its age recipient,
// written by the device itself (the same records the team key rotation seals to; see
// sync/replica). Mailbox credentials are sealed to the recipients of the handlers; a
// recipient written by any device other than its own is not one.
const (
	KindDeviceKey  = "devicekey"
	fieldRecipient = "recipient"
)

// Mailbox is a team mailbox as listed: its settings, and who can read its credentials.
type Mailbox struct {
	ID string `json:"id"`
	Settings
	// Readers are the devices the credentials are sealed to (none: no credentials yet).
	Readers   []string  `json:"readers"`
	Updated   time.Time `json:"updated"`
	Conflicts []string  `json:"conflicts"`
}

// Service reads and writes mailboxes; each action is one durable store transaction.
type Service struct {
	st  *store.Store
	key *age.X25519Identity
	dev string
}

// NewService returns the mailbox service on st; key is this device's private age
// identity (kept in the data directory, never replicated, exported or backed up),
// with which a handler opens the credentials.
func NewService(st *store.Store, key *age.X25519Identity) *Service {
	return &Service{st: st, key: key, dev: st.Device().ID}
}

// Publish writes this device's recipient into the replicated device keys, unless it
// is there already, so that others can choose it as a mail handler before it ever
// joined a team.
func (s *Service) Publish(ctx context.Context) error {
	_, err := record.Upsert(ctx, s.st, s.st.Device().Name, KindDeviceKey, s.dev, func(r change.Record, ops *change.Ops) error {
		record.PutChanged(ops, r, fieldRecipient, s.key.Recipient().String())
		return nil
	})
	if err != nil {
		return fmt.Errorf("publish device key: %w", err)
	}
	return nil
}

// DeviceKeys returns the published mail keys by device; a key written by any device
// other than its own is not one.
func (s *Service) DeviceKeys() (map[string]string, error) {
	out := map[string]string{}
	err := s.st.Scan(KindDeviceKey, func(r change.Record) error {
		f, ok := r.Fields[fieldRecipient]
		if ok && f.Write.ID.Device == r.ID && sealed.ParseKey(r.String(fieldRecipient)) == nil {
			out[r.ID] = r.String(fieldRecipient)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list mail keys: %w", err)
	}
	return out, nil
}

// Save creates (id "") or changes a mailbox. With creds, the credentials are sealed
// to the handlers; without, the sealed credentials stay, and when the handlers change
// this device opens and seals them again (it must be a handler to do so).
func (s *Service) Save(ctx context.Context, author, id string, in Settings, creds *Credentials) (Mailbox, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return Mailbox{}, err
	}
	if creds != nil {
		if err := creds.Validate(); err != nil {
			return Mailbox{}, err
		}
	}
	if id == "" {
		id = store.NewID()
	}
	rec, err := record.Upsert(ctx, s.st, author, Kind, id, func(r change.Record, ops *change.Ops) error {
		record.PutChanged(ops, r, fSettings, in)
		box, err := s.reseal(r, in.Handlers, creds)
		if err != nil || box == nil {
			return err
		}
		ops.Put(r, fSecret, *box)
		return nil
	})
	if err != nil {
		return Mailbox{}, fmt.Errorf("save mailbox: %w", err)
	}
	return fromRecord(rec), nil
}

// reseal returns the credentials box to write, or nil to keep the one r holds.
func (s *Service) reseal(r change.Record, handlers []string, creds *Credentials) (*sealed.Box, error) {
	var old sealed.Box
	has, _ := r.Get(fSecret, &old)
	if creds == nil {
		if !has || slices.Equal(old.Readers, handlers) {
			return nil, nil
		}
		var c Credentials
		if err := old.Open(s.key, &c); err != nil {
			return nil, ErrReseal
		}
		creds = &c
	}
	if len(handlers) == 0 {
		return nil, fmt.Errorf("choose at least one device to handle mail before entering passwords")
	}
	keys, err := s.DeviceKeys()
	if err != nil {
		return nil, err
	}
	readers := make([]sealed.Reader, 0, len(handlers))
	for _, d := range handlers {
		k, ok := keys[d]
		if !ok {
			return nil, fmt.Errorf("%w (device %s)", ErrNoKey, d)
		}
		readers = append(readers, sealed.Reader{Person: d, Key: k})
	}
	box, err := sealed.Seal(*creds, readers)
	if err != nil {
		return nil, err
	}
	return &box, nil
}

// Get returns one mailbox.
func (s *Service) Get(id string) (Mailbox, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Mailbox{}, err
	}
	return fromRecord(r), nil
}

// List returns every mailbox by name.
func (s *Service) List() ([]Mailbox, error) {
	out, err := record.List(s.st, Kind, fromRecord)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// Delete removes a mailbox (a tombstone): its mail is no longer fetched.
func (s *Service) Delete(ctx context.Context, author, id string) error {
	_, err := record.Edit(ctx, s.st, author, Kind, id, ErrNotFound, func(r change.Record, ops *change.Ops) error {
		ops.Put(r, change.FieldDeleted, true)
		return nil
	})
	return err
}

// Credentials opens the mailbox's credentials with this device's key.
func (s *Service) Credentials(id string) (Credentials, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Credentials{}, err
	}
	var box sealed.Box
	if ok, err := r.Get(fSecret, &box); err != nil || !ok {
		return Credentials{}, ErrNotHandler
	}
	var c Credentials
	if err := box.Open(s.key, &c); err != nil {
		if errors.Is(err, sealed.ErrNotReader) {
			return Credentials{}, ErrNotHandler
		}
		return Credentials{}, err
	}
	return c, nil
}

// Device is this device's ID.
func (s *Service) Device() string { return s.dev }

func fromRecord(r change.Record) Mailbox {
	m := Mailbox{ID: r.ID, Updated: r.Updated.Time(), Conflicts: r.Conflicts(), Readers: []string{}}
	_, _ = r.Get(fSettings, &m.Settings)
	var box sealed.Box
	if ok, _ := r.Get(fSecret, &box); ok {
		m.Readers = box.Readers
	}
	if m.Handlers == nil {
		m.Handlers = []string{}
	}
	if m.Blocked == nil {
		m.Blocked = []string{}
	}
	if m.Conflicts == nil {
		m.Conflicts = []string{}
	}
	return m
}
