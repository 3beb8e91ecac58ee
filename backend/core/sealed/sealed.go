// Package sealed encrypts record payloads to the people allowed to read them, with
// age (X25519 recipients), so that every replica can store and forward a private
// item while only its readers can open it. It is pure: no storage, no network.
package sealed

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"filippo.io/age"
)

// Limits on what a sealed value may carry. A sealed value is stored as one register
// value, so it must stay well inside change.MaxValueBytes.
const (
	MaxPlaintext = 64 << 10  // encoded payload plus its reader list
	MaxReaders   = 16        // people one value is sealed to
	MaxData      = 128 << 10 // base64 characters of the ciphertext
	maxPersonID  = 64
)

// Errors callers branch on.
var (
	// ErrNotReader means the identity given is not one the value was sealed to.
	ErrNotReader = errors.New("this item is not sealed to you")
	// ErrDamaged means the ciphertext is malformed, truncated or was altered.
	ErrDamaged = errors.New("this sealed item is damaged or was altered and cannot be opened")
	// ErrTooLarge means the payload is larger than MaxPlaintext.
	ErrTooLarge = errors.New("the item is too large to seal")
	// ErrNoReaders means a value was sealed to nobody.
	ErrNoReaders = errors.New("a sealed item needs at least one reader")
)

// Reader is a person a value is sealed to: the person's ID (stored in the clear, so
// replicas can route and list without reading) and their age recipient ("age1...").
type Reader struct {
	Person string `json:"person"`
	Key    string `json:"key"`
}

// Box is a sealed value as it is stored in a record: the readers' person IDs in the
// clear and the payload encrypted to their keys (base64 of an age file).
type Box struct {
	Readers []string `json:"readers"`
	Data    string   `json:"data"`
}

// inner is what is encrypted: the payload and the reader list, so a reader list
// altered in the clear is detected when the box is opened.
type inner struct {
	Readers []string        `json:"r"`
	Value   json.RawMessage `json:"v"`
}

// ParseKey checks an age recipient string.
func ParseKey(s string) error {
	if _, err := age.ParseX25519Recipient(s); err != nil {
		return fmt.Errorf("public key: %w", err)
	}
	return nil
}

// Seal encodes v as JSON and encrypts it to readers. Readers are deduplicated by person.
func Seal(v any, readers []Reader) (Box, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return Box{}, fmt.Errorf("seal: encode payload: %w", err)
	}
	var ids []string
	var recips []age.Recipient
	seen := map[string]bool{}
	for _, r := range readers {
		if seen[r.Person] {
			continue
		}
		if r.Person == "" || len(r.Person) > maxPersonID {
			return Box{}, fmt.Errorf("seal: reader person ID %q", r.Person)
		}
		k, err := age.ParseX25519Recipient(r.Key)
		if err != nil {
			return Box{}, fmt.Errorf("seal: public key of %s: %w", r.Person, err)
		}
		seen[r.Person] = true
		ids = append(ids, r.Person)
		recips = append(recips, k)
	}
	if len(ids) == 0 {
		return Box{}, ErrNoReaders
	}
	if len(ids) > MaxReaders {
		return Box{}, fmt.Errorf("seal: %d readers (at most %d)", len(ids), MaxReaders)
	}
	slices.Sort(ids)
	plain, err := json.Marshal(inner{Readers: ids, Value: payload})
	if err != nil {
		return Box{}, fmt.Errorf("seal: %w", err)
	}
	if len(plain) > MaxPlaintext {
		return Box{}, fmt.Errorf("%w: %d bytes (at most %d)", ErrTooLarge, len(plain), MaxPlaintext)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, recips...)
	if err != nil {
		return Box{}, fmt.Errorf("seal: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return Box{}, fmt.Errorf("seal: %w", err)
	}
	if err := w.Close(); err != nil {
		return Box{}, fmt.Errorf("seal: %w", err)
	}
	return Box{Readers: ids, Data: base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// Has reports whether person is among the box's readers (as the clear list says).
func (b Box) Has(person string) bool { return slices.Contains(b.Readers, person) }

// Validate checks the box's shape and sizes without opening it: what a replica that
// cannot read it can still check.
func (b Box) Validate() error {
	switch {
	case len(b.Readers) == 0:
		return ErrNoReaders
	case len(b.Readers) > MaxReaders:
		return fmt.Errorf("%w: %d readers (at most %d)", ErrDamaged, len(b.Readers), MaxReaders)
	case b.Data == "":
		return fmt.Errorf("%w: no ciphertext", ErrDamaged)
	case len(b.Data) > MaxData:
		return fmt.Errorf("%w: %d bytes of ciphertext (at most %d)", ErrDamaged, len(b.Data), MaxData)
	}
	for _, r := range b.Readers {
		if r == "" || len(r) > maxPersonID {
			return fmt.Errorf("%w: reader %q", ErrDamaged, r)
		}
	}
	return nil
}

// Open decrypts the box with id and decodes the payload into v. It fails with
// ErrNotReader when the box was not sealed to id, and with ErrDamaged when the
// ciphertext or its reader list was altered; it never panics on bad input.
func (b Box) Open(id age.Identity, v any) error {
	if err := b.Validate(); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(b.Data)
	if err != nil {
		return fmt.Errorf("%w: ciphertext is not base64", ErrDamaged)
	}
	r, err := age.Decrypt(bytes.NewReader(raw), id)
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return ErrNotReader
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, MaxPlaintext+1))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if len(plain) > MaxPlaintext {
		return fmt.Errorf("%w: payload larger than %d bytes", ErrDamaged, MaxPlaintext)
	}
	var in inner
	if err := json.Unmarshal(plain, &in); err != nil {
		return fmt.Errorf("%w: payload is not what was sealed", ErrDamaged)
	}
	if !slices.Equal(in.Readers, b.Readers) {
		return fmt.Errorf("%w: its reader list was changed", ErrDamaged)
	}
	if err := json.Unmarshal(in.Value, v); err != nil {
		return fmt.Errorf("decode sealed payload: %w", err)
	}
	return nil
}
