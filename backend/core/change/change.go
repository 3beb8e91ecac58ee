// Package change defines the replicated change log entry, its validation and
// signature, and the merge rules that fold a set of changes into a record.
// It is pure: no storage, no network, no clock.
package change

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"outpost/backend/core/hlc"
)

// OpKind names a field operation.
type OpKind string

// The field operations and the merge rule each follows.
const (
	OpSet    OpKind = "set"    // last-writer-wins register; Replaces names the writes it saw
	OpAppend OpKind = "append" // append-only item (comment, work log); never collides
	OpAdd    OpKind = "add"    // add-wins set: add Elem
	OpRemove OpKind = "remove" // add-wins set: remove the adds of Elem named in Replaces
)

// Limits on what a change may carry, local or remote.
const (
	MaxOps        = 64
	MaxValueBytes = 256 << 10 // one field value
	MaxChangeSize = 512 << 10 // one encoded change
	MaxReplaces   = 64
)

// Errors a caller may branch on.
var (
	ErrInvalid      = errors.New("invalid change")
	ErrBadSignature = errors.New("bad signature")
)

// ID names one change: the device that originated it and its sequence number there.
// A register write is named by the ID of the change that made it.
type ID struct {
	Device string `json:"d"`
	Seq    uint64 `json:"s"`
}

func (id ID) String() string { return id.Device + ":" + strconv.FormatUint(id.Seq, 10) }

// ParseID reads the form produced by ID.String.
func ParseID(s string) (ID, error) {
	dev, seq, ok := strings.Cut(s, ":")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || !validName(dev) || n == 0 {
		return ID{}, fmt.Errorf("%w: write id %q", ErrInvalid, s)
	}
	return ID{Device: dev, Seq: n}, nil
}

// Less orders IDs by device, then sequence.
func (id ID) Less(o ID) bool {
	if id.Device != o.Device {
		return id.Device < o.Device
	}
	return id.Seq < o.Seq
}

// Op is one field operation inside a change.
type Op struct {
	Op       OpKind          `json:"op"`
	Field    string          `json:"f"`
	Value    json.RawMessage `json:"v,omitempty"`
	Elem     string          `json:"e,omitempty"`
	Replaces []ID            `json:"r,omitempty"`
}

// Change is one user action on one entity, as it travels between devices.
type Change struct {
	Device string        `json:"dev"`
	Seq    uint64        `json:"seq"`
	HLC    hlc.Timestamp `json:"hlc"`
	Author string        `json:"by"`
	Kind   string        `json:"kind"`
	Entity string        `json:"ent"`
	Ops    []Op          `json:"ops"`
	Prev   []byte        `json:"prev,omitempty"` // the Link of the device's previous change; empty in changes made before chaining
	Sig    []byte        `json:"sig,omitempty"`  // empty when a later change of the device vouches for this one (see Link)
}

// ID returns the change's identity.
func (c *Change) ID() ID { return ID{Device: c.Device, Seq: c.Seq} }

// validName reports whether s matches ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$ (checked
// without a regular expression: every name of every change is checked, and the
// expression was a tenth of an import's time in Validate).
func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '_' || c == '.' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// badName describes a name that failed validName without repeating its bytes, which came
// from a file or a peer and may be anything: a person reads "a name of 7 characters with a
// character that is not a letter, digit, '.', '_' or '-'", never the raw bytes.
func badName(s string) string {
	switch {
	case s == "":
		return "name is missing"
	case len(s) > 64:
		return fmt.Sprintf("name is %d bytes long (at most 64)", len(s))
	case !utf8.ValidString(s):
		return fmt.Sprintf("name of %d bytes is not valid text", len(s))
	default:
		return fmt.Sprintf("name of %d characters holds a character other than a letter, digit, '.', '_' or '-'", utf8.RuneCountInString(s))
	}
}

// ValidName reports whether s may be used as a device, kind, entity or field name.
func ValidName(s string) bool { return validName(s) }

// Validate checks the structure and limits of a change without trusting any of it.
func (c *Change) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	switch {
	case !validName(c.Device):
		return bad("device %s", badName(c.Device))
	case c.Seq == 0:
		return bad("sequence number 0")
	case c.HLC == 0:
		return bad("missing timestamp")
	case len(c.Author) > 128:
		return bad("author longer than 128 bytes")
	case !validName(c.Kind):
		return bad("kind %s", badName(c.Kind))
	case !validName(c.Entity):
		return bad("entity %s", badName(c.Entity))
	case len(c.Ops) == 0:
		return bad("no operations")
	case len(c.Ops) > MaxOps:
		return bad("%d operations (at most %d)", len(c.Ops), MaxOps)
	case len(c.Prev) != 0 && len(c.Prev) != LinkSize:
		return bad("chain link of %d bytes (want %d)", len(c.Prev), LinkSize)
	case c.Seq == 1 && len(c.Prev) != 0:
		return bad("a device's first change names a previous one")
	}
	for i, op := range c.Ops {
		if err := op.validate(); err != nil {
			return bad("op %d: %v", i, err)
		}
	}
	return nil
}

func (op *Op) validate() error {
	if !validName(op.Field) {
		return fmt.Errorf("field %s", badName(op.Field))
	}
	if len(op.Replaces) > MaxReplaces {
		return fmt.Errorf("names %d replaced writes (at most %d)", len(op.Replaces), MaxReplaces)
	}
	for _, r := range op.Replaces {
		if !validName(r.Device) || r.Seq == 0 {
			return fmt.Errorf("replaced write names device %s", badName(r.Device))
		}
	}
	switch op.Op {
	case OpSet, OpAppend:
		if len(op.Value) == 0 || !json.Valid(op.Value) {
			return fmt.Errorf("value of %s is not JSON", op.Field)
		}
		if len(op.Value) > MaxValueBytes {
			return fmt.Errorf("value of %s is %d bytes (at most %d)", op.Field, len(op.Value), MaxValueBytes)
		}
		if op.Elem != "" {
			return fmt.Errorf("%s carries a set element", op.Op)
		}
	case OpAdd, OpRemove:
		if op.Elem == "" || len(op.Elem) > 512 {
			return fmt.Errorf("set element of %s is empty or longer than 512 bytes", op.Field)
		}
		if len(op.Value) != 0 {
			return fmt.Errorf("%s carries a value", op.Op)
		}
	default:
		return fmt.Errorf("unknown operation %s", badName(string(op.Op)))
	}
	return nil
}

// Encode returns the change's JSON encoding.
func (c *Change) Encode() ([]byte, error) {
	b, err := appendChange(make([]byte, 0, c.sizeHint()), c, true)
	if err != nil {
		return nil, fmt.Errorf("encode change: %w", err)
	}
	return b, nil
}

// Decode parses and validates an encoded change.
func Decode(b []byte) (Change, error) {
	var c Change
	if len(b) > MaxChangeSize {
		return c, fmt.Errorf("%w: %d bytes (at most %d)", ErrInvalid, len(b), MaxChangeSize)
	}
	c, err := decodeChangeFast(b)
	if err != nil {
		if c, err = decodeChangeJSON(b); err != nil {
			return c, err
		}
	}
	return c, c.Validate()
}

// decodeChangeJSON reads any encoding of a change encoding/json accepts, strictly.
func decodeChangeJSON(b []byte) (Change, error) {
	var c Change
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if dec.More() {
		return c, fmt.Errorf("%w: trailing data", ErrInvalid)
	}
	return c, nil
}

// signedBytes is the canonical encoding covered by the signature: the change without Sig.
func (c *Change) signedBytes() ([]byte, error) {
	return appendChange(make([]byte, 0, c.sizeHint()), c, false)
}

// sizeHint is about the length of c's encoding, so that it is built in one allocation.
func (c *Change) sizeHint() int {
	n := 160 + len(c.Device) + len(c.Author) + len(c.Kind) + len(c.Entity) + 2*(len(c.Prev)+len(c.Sig))
	for i := range c.Ops {
		n += 32 + len(c.Ops[i].Field) + len(c.Ops[i].Value) + len(c.Ops[i].Elem) + 40*len(c.Ops[i].Replaces)
	}
	return n
}

// Sign sets Sig with the origin device's key.
func (c *Change) Sign(key ed25519.PrivateKey) error {
	b, err := c.signedBytes()
	if err != nil {
		return fmt.Errorf("sign change: %w", err)
	}
	c.Sig = ed25519.Sign(key, b)
	return nil
}

// Verify checks Sig against the origin device's public key.
func (c *Change) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize || len(c.Sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: change %s", ErrBadSignature, c.ID())
	}
	b, err := c.signedBytes()
	if err != nil {
		return fmt.Errorf("verify change: %w", err)
	}
	if !ed25519.Verify(pub, b, c.Sig) {
		return fmt.Errorf("%w: change %s", ErrBadSignature, c.ID())
	}
	return nil
}

// Set builds a register write of v that replaces the given heads.
func Set(field string, v any, replaces []ID) (Op, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Op{}, fmt.Errorf("%s: %w", field, err)
	}
	return Op{Op: OpSet, Field: field, Value: b, Replaces: replaces}, nil
}

// Append builds an append-only item.
func Append(field string, v any) (Op, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Op{}, fmt.Errorf("%s: %w", field, err)
	}
	return Op{Op: OpAppend, Field: field, Value: b}, nil
}
