package blob

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestManifestOfSizes(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 7} {
		m, err := ManifestOf(bytes.NewReader(randomBytes(n, 1)))
		if err != nil || !m.Valid() || m.Size != int64(n) {
			t.Fatalf("size %d: manifest %d chunks, size %d, valid %v, %v", n, len(m.Chunks), m.Size, m.Valid(), err)
		}
		total := 0
		for i := range m.Chunks {
			total += m.ChunkLen(i)
		}
		if total != n {
			t.Fatalf("size %d: chunk lengths add up to %d", n, total)
		}
	}
}

// A download cut after some chunks resumes with only the missing ones, refuses a forged
// chunk, and the blob exists only once the whole file verifies.
func TestPartialResumesAndVerifies(t *testing.T) {
	t.Parallel()
	src, _ := open(t, 0)
	dst, _ := open(t, 0)
	data := randomBytes(5*ChunkSize+123, 2)
	h, _, err := src.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	m, err := src.Manifest(h)
	if err != nil {
		t.Fatal(err)
	}
	p, err := dst.Partial(h, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 3, 5} {
		c, _ := src.ReadChunk(h, i)
		if err := p.Write(i, c); err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
	}
	forged := bytes.Repeat([]byte{0xAA}, ChunkSize)
	if err := p.Write(1, forged); !errors.Is(err, ErrBadChunk) {
		t.Fatalf("a forged chunk was taken: %v", err)
	}
	if err := p.Finish(); err == nil || dst.Has(h) {
		t.Fatal("an incomplete download became a blob")
	}
	p.Close() // the process stops here

	p, err = dst.Partial(h, m)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Missing(); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 4 {
		t.Fatalf("after reopening, missing = %v, want [1 2 4]", got)
	}
	for _, i := range p.Missing() {
		c, _ := src.ReadChunk(h, i)
		if err := p.Write(i, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := dst.Verify(h); err != nil {
		t.Fatalf("received blob: %v", err)
	}
}

func TestPartialRefusesAManifestThatDoesNotFit(t *testing.T) {
	t.Parallel()
	s, _ := open(t, 0)
	m, _ := ManifestOf(bytes.NewReader(randomBytes(ChunkSize+1, 3)))
	m.Size = 10 * ChunkSize
	if _, err := s.Partial(sum([]byte("x")), m); err == nil {
		t.Fatal("a manifest of 2 chunks for 10 MiB was taken")
	}
	small, _ := open(t, 10)
	m, _ = ManifestOf(bytes.NewReader(randomBytes(11, 3)))
	if _, err := small.Partial(sum([]byte("x")), m); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a file over the limit: %v", err)
	}
}

// TestPartialTakesPiecesInParallel: a transfer verifies pieces on several goroutines at once;
// every piece must count, and a write after Finish must not reach the stored file.
func TestPartialTakesPiecesInParallel(t *testing.T) {
	t.Parallel()
	src, _ := open(t, 0)
	dst, _ := open(t, 0)
	h, _, err := src.Put(bytes.NewReader(randomBytes(16*ChunkSize+7, 3)))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := src.Manifest(h)
	p, err := dst.Partial(h, m)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range m.Chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _ := src.ReadChunkInto(h, i, make([]byte, ChunkSize))
			if err := p.Write(i, c); err != nil {
				t.Errorf("piece %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if !p.Done() || p.Have() != len(m.Chunks) {
		t.Fatalf("have %d of %d pieces after writing them all", p.Have(), len(m.Chunks))
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	c, _ := src.ReadChunk(h, 0)
	if err := p.Write(0, c); !errors.Is(err, ErrClosed) {
		t.Fatalf("a write after Finish: %v, want ErrClosed", err)
	}
	if err := dst.Verify(h); err != nil {
		t.Fatal(err)
	}
}

// The whole file's hash is made as pieces arrive, in whatever order, and across a resume;
// a file whose pieces all match a manifest but whose whole hash is not the one asked for
// never becomes a blob.
func TestPartialProvesTheWholeFileInAnyOrder(t *testing.T) {
	t.Parallel()
	const n = 6
	orders := map[string][]int{
		"in order":     {0, 1, 2, 3, 4, 5},
		"reversed":     {5, 4, 3, 2, 1, 0},
		"interleaved":  {1, 0, 3, 2, 5, 4},
		"gap at first": {2, 3, 4, 5, 1, 0},
	}
	for name, order := range orders {
		for _, resumeAt := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s, resumed after %d", name, resumeAt), func(t *testing.T) {
				t.Parallel()
				src, _ := open(t, 0)
				dst, _ := open(t, 0)
				h, _, err := src.Put(bytes.NewReader(randomBytes(n*ChunkSize-5, 4)))
				if err != nil {
					t.Fatal(err)
				}
				m, _ := src.Manifest(h)
				p, err := dst.Partial(h, m)
				if err != nil {
					t.Fatal(err)
				}
				for k, i := range order {
					if resumeAt > 0 && k == resumeAt {
						p.Close()
						if p, err = dst.Partial(h, m); err != nil {
							t.Fatal(err)
						}
					}
					c, _ := src.ReadChunk(h, i)
					if err := p.Write(i, c); err != nil {
						t.Fatalf("piece %d: %v", i, err)
					}
				}
				if err := p.Finish(); err != nil {
					t.Fatal(err)
				}
				if err := dst.Verify(h); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
	t.Run("another file's hash", func(t *testing.T) {
		t.Parallel()
		src, _ := open(t, 0)
		dst, _ := open(t, 0)
		h, _, _ := src.Put(bytes.NewReader(randomBytes(3*ChunkSize, 5)))
		m, _ := src.Manifest(h)
		other := sum([]byte("another file"))
		p, err := dst.Partial(other, m)
		if err != nil {
			t.Fatal(err)
		}
		for i := range m.Chunks {
			c, _ := src.ReadChunk(h, i)
			if err := p.Write(i, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Finish(); !errors.Is(err, ErrMismatch) || dst.Has(other) {
			t.Fatalf("Finish = %v, held %v: a file not matching its hash was stored", err, dst.Has(other))
		}
	})
}
