package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/team"
	"outpost/sync/wire"
)

// Records the replica keeps in the store (replicated like any other record):
//
//	devicekey/<device ID>  recipient: the device's age X25519 recipient, written by the device itself
//	teamkey/<key ID>       sealed: a new team key, age-encrypted to every device not removed
//	                       when the rotation started; the newest record by (HLC, device) is the team's key
const (
	KindDeviceKey  = "devicekey"
	KindTeamKey    = "teamkey"
	fieldRecipient = "recipient"
	fieldSealed    = "sealed"
)

// ErrRotating means a key rotation is still in progress on this device.
var ErrRotating = errors.New("a key rotation is already in progress: wait until the old key is retired")

// rotation is this device's progress through installing, using and retiring a new key.
type rotation struct {
	id        string
	key       []byte
	change    change.ID // the change that carried it: a peer holding it has installed the key
	installed time.Time
	switched  time.Time
}

// KeyID names a team key without revealing it.
func KeyID(key []byte) string { return gossip.KeyID(key) }

// publishRecipient records this device's sealing recipient in the store, once.
func (r *Replica) publishRecipient(ctx context.Context) error {
	want := r.id.Recipient().String()
	rec, err := r.st.Get(KindDeviceKey, r.self)
	if err == nil && rec.String(fieldRecipient) == want {
		return nil
	}
	_, err = r.st.Update(ctx, r.st.Device().Name, func(tx *store.Tx) error {
		op, err := change.Set(fieldRecipient, want, rec.Heads(fieldRecipient))
		if err != nil {
			return err
		}
		_, err = tx.Write(KindDeviceKey, r.self, []change.Op{op})
		return err
	})
	if err != nil {
		return fmt.Errorf("publish device recipient: %w", err)
	}
	return nil
}

// RotateKey starts a team key rotation: a new key is sealed to every device that
// is not removed and written as a replicated record. Every device installs it on
// receipt, encrypts with it once every online member has it (or SwitchKeyAfter
// has passed), and drops the old key RetireKeyAfter later. A removed device is
// not sealed to and so is shut out of the gossip when the old key is retired; a
// device offline through the whole rotation needs a new invite. It returns the
// names of devices the new key could not be sealed to (they never published a recipient).
func (r *Replica) RotateKey(ctx context.Context, author string) ([]string, error) {
	if len(r.ring.GetKeys()) > 1 {
		return nil, ErrRotating
	}
	missing, err := SealNewKey(ctx, r.st, author)
	if err != nil {
		return nil, err
	}
	r.do(r.advanceRotation)
	return missing, nil
}

// SealNewKey writes a new team key, sealed to every device not removed, into the
// store. A running replica installs it; the command line uses this directly when
// the app is not running, and the replica picks the key up when it next starts.
func SealNewKey(ctx context.Context, st *store.Store, author string) ([]string, error) {
	var recips []age.Recipient
	var missing []string
	err := st.Scan(store.KindDevice, func(dev change.Record) error {
		if dev.Deleted() {
			return nil
		}
		rec, err := st.Get(KindDeviceKey, dev.ID)
		if err == nil {
			if rc, perr := age.ParseX25519Recipient(rec.String(fieldRecipient)); perr == nil {
				recips = append(recips, rc)
				return nil
			}
		}
		missing = append(missing, cmpName(dev))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rotate key: %w", err)
	}
	if len(recips) == 0 {
		return nil, errors.New("rotate key: no device of the team can receive a new key yet: start Outpost once first")
	}
	key, err := team.NewKey()
	if err != nil {
		return nil, err
	}
	var sealed bytes.Buffer
	w, err := age.Encrypt(&sealed, recips...)
	if err == nil {
		_, err = w.Write(key)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("rotate key: seal: %w", err)
	}
	_, err = st.Update(ctx, author, func(tx *store.Tx) error {
		op, err := change.Set(fieldSealed, sealed.Bytes(), nil)
		if err != nil {
			return err
		}
		_, err = tx.Write(KindTeamKey, KeyID(key), []change.Op{op})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("rotate key: %w", err)
	}
	return missing, nil
}

func cmpName(dev change.Record) string {
	if n := dev.String(store.FieldDeviceName); n != "" {
		return n
	}
	return dev.ID
}

// latestKey returns the newest team key record by (HLC, device) of its write. A read
// fault is an error, never "no key": a rotation must not act on half a picture.
func (r *Replica) latestKey() (change.Record, bool, error) {
	var best change.Record
	found := false
	err := r.st.Scan(KindTeamKey, func(rec change.Record) error {
		w := rec.Fields[fieldSealed].Write
		if !found || w.At > best.Fields[fieldSealed].At ||
			(w.At == best.Fields[fieldSealed].At && best.Fields[fieldSealed].ID.Less(w.ID)) {
			best, found = rec, true
		}
		return nil
	})
	if err != nil {
		return change.Record{}, false, fmt.Errorf("read team keys: %w", err)
	}
	return best, found, nil
}

// advanceRotation moves this device through install, use and retire of the
// team's newest key. It runs on the replica goroutine, every second and after
// commits that touch team keys.
func (r *Replica) advanceRotation() {
	rec, ok, err := r.latestKey()
	if err != nil {
		r.log.Error("team key rotation paused", "err", err)
		return
	}
	if !ok {
		return
	}
	keys := r.ring.GetKeys()
	var key []byte
	for _, k := range keys {
		if KeyID(k) == rec.ID {
			key = k
		}
	}
	if key == nil {
		if r.rot != nil && r.rot.id == rec.ID {
			return // already failed to open this one
		}
		r.rot = &rotation{id: rec.ID, change: rec.Fields[fieldSealed].ID}
		k, err := r.open(rec)
		if err != nil {
			r.log.Warn("a new team key was not sealed to this device (removed, or joined after the rotation began)",
				"key", rec.ID, "err", err)
			return
		}
		if err := r.ring.AddKey(k); err != nil {
			r.log.Error("install team key", "err", err)
			return
		}
		r.rot.key, r.rot.installed = k, time.Now()
		r.log.Info("installed a new team key", "key", rec.ID)
		r.saveKeys()
		r.shareState()
		return
	}
	if r.rot == nil || r.rot.id != rec.ID || r.rot.key == nil {
		r.rot = &rotation{id: rec.ID, key: key, change: rec.Fields[fieldSealed].ID, installed: time.Now()}
	}
	if !bytes.Equal(r.ring.GetPrimaryKey(), key) {
		if r.allAcked(r.rot.change) || time.Since(r.rot.installed) > r.cfg.SwitchKeyAfter {
			if err := r.ring.UseKey(key); err != nil {
				r.log.Error("use team key", "err", err)
				return
			}
			r.rot.switched = time.Now()
			r.log.Info("switched to the new team key", "key", rec.ID)
			r.saveKeys()
		}
		return
	}
	if r.rot.switched.IsZero() {
		r.rot.switched = time.Now() // switched before a restart: wait the full delay again
	}
	if len(keys) > 1 && time.Since(r.rot.switched) > r.cfg.RetireKeyAfter {
		for _, k := range keys {
			if !bytes.Equal(k, key) {
				_ = r.ring.RemoveKey(k)
			}
		}
		r.log.Info("retired the old team key", "key", rec.ID)
		r.saveKeys()
	}
}

// open decrypts a sealed team key with this device's identity.
func (r *Replica) open(rec change.Record) ([]byte, error) {
	var sealed []byte
	if _, err := rec.Get(fieldSealed, &sealed); err != nil {
		return nil, err
	}
	rd, err := age.Decrypt(bytes.NewReader(sealed), r.id)
	if err != nil {
		return nil, err
	}
	k, err := io.ReadAll(io.LimitReader(rd, team.KeySize+1))
	if err != nil {
		return nil, err
	}
	if len(k) != team.KeySize || KeyID(k) != rec.ID {
		return nil, errors.New("sealed key does not match its record")
	}
	return k, nil
}

// allAcked reports whether every online member that is not removed holds the change id.
func (r *Replica) allAcked(id change.ID) bool {
	members := r.ml.Members()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range members {
		if m.Name == r.self || r.removed[m.Name] {
			continue
		}
		p := r.peers[m.Name]
		if p == nil || p.vector[id.Device] < id.Seq {
			return false
		}
	}
	return true
}

// shareState sends this device's vector to every member, so they learn at once
// that it holds (and has installed) a new key.
func (r *Replica) shareState() {
	msg, err := wire.Encode(wire.TypeState, wire.State{From: r.self, Vector: r.vector()})
	if err != nil {
		return
	}
	for _, m := range r.ml.Members() {
		if m.Name != r.self && !r.isRemoved(m.Name) {
			_ = r.ml.SendBestEffort(m, msg)
		}
	}
}

func (r *Replica) saveKeys() {
	if r.cfg.OnKeys != nil {
		r.cfg.OnKeys(r.Keys())
	}
}

// Keys returns the installed team keys, primary first.
func (r *Replica) Keys() [][]byte {
	keys := slices.Clone(r.ring.GetKeys())
	primary := r.ring.GetPrimaryKey()
	slices.SortStableFunc(keys, func(a, b []byte) int {
		switch {
		case bytes.Equal(a, primary):
			return -1
		case bytes.Equal(b, primary):
			return 1
		}
		return 0
	})
	return keys
}

// KeyState describes where this device is in a key rotation.
type KeyState struct {
	Keys      int    `json:"keys"`      // team keys installed: more than one during a rotation
	PrimaryID string `json:"primaryId"` // the key this device encrypts with
	Stale     bool   `json:"stale"`     // peers answer but cannot read this device: it needs a new invite
	OtherTeam bool   `json:"otherTeam"` // a device that answered is in another team
	Message   string `json:"message,omitempty"`
}

// KeyState returns this device's key state.
func (r *Replica) KeyState() KeyState {
	r.mu.Lock()
	stale, other := r.keyStale, r.otherTeam != ""
	r.mu.Unlock()
	ks := KeyState{Keys: len(r.ring.GetKeys()), PrimaryID: KeyID(r.ring.GetPrimaryKey()), Stale: stale, OtherTeam: other}
	ks.Message = r.JoinProblem()
	return ks
}

// RemoveDevice removes a device from the team (a lost or stolen laptop): its
// changes after the last one this device holds are rejected by every peer, and
// peers send it nothing more. Rotate the key afterwards to shut it out of the gossip.
func (r *Replica) RemoveDevice(ctx context.Context, author, device string) error {
	if device == r.self {
		return field.Errorf("device", "this device cannot remove itself; leave the team instead")
	}
	have := r.vector()
	_, err := r.st.Update(ctx, author, func(tx *store.Tx) error {
		rec, err := tx.Get(store.KindDevice, device)
		if errors.Is(err, store.ErrNotFound) {
			return field.Errorf("device", "no device %q in this team", device)
		}
		if err != nil {
			return err
		}
		if rec.Deleted() {
			return field.Errorf("device", "%s is already removed", cmpName(rec))
		}
		del, err := change.Set(change.FieldDeleted, true, rec.Heads(change.FieldDeleted))
		if err != nil {
			return err
		}
		after, err := change.Set(store.FieldRevokedAfter, have[device], rec.Heads(store.FieldRevokedAfter))
		if err != nil {
			return err
		}
		_, err = tx.Write(store.KindDevice, device, []change.Op{del, after})
		return err
	})
	return err
}
