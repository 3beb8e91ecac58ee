package change

import (
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
// and a replica receiving the run verifies one signature (store's preverify).
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
	l, _, err := c.SealEncoded(key, sign)
	return l, err
}

// SealEncoded is Seal that also returns c's encoding (Encode) when c is left unsigned:
// then it is the signed encoding itself. It is nil when c was signed.
func (c *Change) SealEncoded(key ed25519.PrivateKey, sign bool) (link [LinkSize]byte, raw []byte, err error) {
	c.Sig = nil
	b, err := c.signedBytes()
	if err != nil {
		return [LinkSize]byte{}, nil, fmt.Errorf("seal change: %w", err)
	}
	link = sha256.Sum256(b)
	if sign {
		c.Sig = ed25519.Sign(key, b)
		return link, nil, nil
	}
	return link, b, nil
}

// Signed reports whether c carries its own signature. An unsigned change is vouched
// for only by a signed later change of its device whose chain leads back to it.
func (c *Change) Signed() bool { return len(c.Sig) > 0 }
