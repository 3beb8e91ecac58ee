package change

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
)

// LinkSize is the size of a chain link: a SHA-256.
const LinkSize = sha256.Size

// Link is what the next change of the same device names as its Prev: the hash of
// this change's signed encoding (every field but Sig, Prev included). A device's
// changes thus form a hash chain, and one signature over a change vouches for every
// change before it whose links lead to it: a bulk load signs once per run of changes
// and a replica receiving the run verifies one signature (VerifyRun).
func (c *Change) Link() ([LinkSize]byte, error) {
	b, err := c.signedBytes()
	if err != nil {
		return [LinkSize]byte{}, fmt.Errorf("link change: %w", err)
	}
	return sha256.Sum256(b), nil
}

// Seal links c and, when sign is set, signs it with the origin device's key, from one
// encoding of it. It returns c's link, which the device's next change names as Prev.
func (c *Change) Seal(key ed25519.PrivateKey, sign bool) ([LinkSize]byte, error) {
	c.Sig = nil
	b, err := c.signedBytes()
	if err != nil {
		return [LinkSize]byte{}, fmt.Errorf("seal change: %w", err)
	}
	if sign {
		c.Sig = ed25519.Sign(key, b)
	}
	return sha256.Sum256(b), nil
}

// Signed reports whether c carries its own signature. An unsigned change is vouched
// for only by a signed later change of its device whose chain leads back to it.
func (c *Change) Signed() bool { return len(c.Sig) > 0 }

// VerifyRun checks a run of one device's consecutive changes, in sequence order, that
// ends with a signed change: each change's Prev must be the link of the one before,
// and the last one's signature must verify with pub. One forged, altered, missing or
// reordered change makes the whole run fail. links, when not nil, holds each change's
// link already computed (the same length as run).
func VerifyRun(pub ed25519.PublicKey, run []Change, links [][LinkSize]byte) error {
	if len(run) == 0 {
		return nil
	}
	last := &run[len(run)-1]
	if !last.Signed() {
		return fmt.Errorf("%w: run ending at %s is not signed", ErrBadSignature, last.ID())
	}
	for i := 1; i < len(run); i++ {
		prev, c := &run[i-1], &run[i]
		if c.Device != prev.Device || c.Seq != prev.Seq+1 {
			return fmt.Errorf("%w: %s does not follow %s", ErrBadSignature, c.ID(), prev.ID())
		}
		var link [LinkSize]byte
		if links != nil {
			link = links[i-1]
		} else {
			var err error
			if link, err = prev.Link(); err != nil {
				return err
			}
		}
		if !bytes.Equal(c.Prev, link[:]) {
			return fmt.Errorf("%w: chain broken between %s and %s", ErrBadSignature, prev.ID(), c.ID())
		}
	}
	return last.Verify(pub)
}
