package change

import (
	"crypto/ed25519"
	"errors"
	"testing"
)

// TestLinkCoversEveryFieldButTheSignature: a change's link changes with any field
// (the previous link included), not with its signature, and Seal returns it.
func TestLinkCoversEveryFieldButTheSignature(t *testing.T) {
	t.Parallel()
	_, key, _ := ed25519.GenerateKey(nil)
	op, _ := Set("title", "printer", nil)
	base := Change{Device: "dev1", Seq: 2, HLC: 1 << 20, Kind: "ticket", Entity: "t1", Ops: []Op{op}, Prev: make([]byte, LinkSize)}
	sealed, err := base.Seal(key, false)
	if err != nil || base.Signed() {
		t.Fatalf("Seal without signing: %v, signed %v", err, base.Signed())
	}
	if l, _ := base.Link(); l != sealed {
		t.Fatal("Seal's link differs from Link")
	}
	if _, err := base.Seal(key, true); err != nil || !base.Signed() {
		t.Fatalf("Seal signing: %v", err)
	}
	if l, _ := base.Link(); l != sealed {
		t.Fatal("the signature changed the link")
	}
	edits := map[string]func(c *Change){
		"author":   func(c *Change) { c.Author = "mallory" },
		"entity":   func(c *Change) { c.Entity = "t2" },
		"sequence": func(c *Change) { c.Seq = 3 },
		"value":    func(c *Change) { c.Ops = []Op{{Op: OpSet, Field: "title", Value: []byte(`"x"`)}} },
		"previous": func(c *Change) { c.Prev = append([]byte{1}, c.Prev[1:]...) },
	}
	for name, edit := range edits {
		c := base
		edit(&c)
		if l, _ := c.Link(); l == sealed {
			t.Errorf("changing the %s leaves the link as it was", name)
		}
	}
}

// TestUnchainedChangeStillVerifies: a change signed alone before chaining (no Prev)
// verifies as it always did, and a link of the wrong size is refused.
func TestUnchainedChangeStillVerifies(t *testing.T) {
	t.Parallel()
	pub, key, _ := ed25519.GenerateKey(nil)
	op, _ := Set("title", "old", nil)
	c := Change{Device: "dev1", Seq: 7, HLC: 1 << 20, Kind: "ticket", Entity: "t1", Ops: []Op{op}}
	if err := c.Sign(key); err != nil {
		t.Fatal(err)
	}
	raw, _ := c.Encode()
	back, err := Decode(raw)
	if err != nil || back.Verify(pub) != nil {
		t.Fatalf("decode and verify an unchained change: %v, %v", err, back.Verify(pub))
	}
	c.Prev = []byte("short")
	if err := c.Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Validate with a 5-byte link = %v, want ErrInvalid", err)
	}
}

// TestSealEncodedGivesTheEncodingOfAnUnsignedChange: the bytes SealEncoded returns are
// Encode's, and a signed change's link is the one an unsigned seal gives.
func TestSealEncodedGivesTheEncodingOfAnUnsignedChange(t *testing.T) {
	t.Parallel()
	_, key, _ := ed25519.GenerateKey(nil)
	op, _ := Set("title", "Drucker <3. Stock> & \"Büro\"", nil)
	c := Change{Device: "dev1", Seq: 2, HLC: 1 << 20, Author: "ana", Kind: "ticket", Entity: "t1", Ops: []Op{op}, Prev: make([]byte, LinkSize)}
	link, raw, err := c.SealEncoded(key, false)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := c.Encode(); string(raw) != string(want) {
		t.Fatalf("SealEncoded gave\n%s\nEncode gives\n%s", raw, want)
	}
	signedLink, signedRaw, err := c.SealEncoded(key, true)
	if err != nil || signedRaw != nil || signedLink != link || c.Verify(key.Public().(ed25519.PublicKey)) != nil {
		t.Fatalf("signed seal: link equal %v, raw %q, err %v", signedLink == link, signedRaw, err)
	}
}
