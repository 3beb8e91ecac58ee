// Package thumb makes the small previews of image attachments: decoded with their EXIF
// orientation applied and encoded afresh, so no metadata of the original (such as the
// place a photo was taken) survives in a thumbnail. Thumbnails are derived data, cached
// beside the blobs and made again whenever they are missing.
package thumb

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // photos from phones
)

// Size is the longest side of a thumbnail, in pixels.
const Size = 320

// MaxPixels bounds the images decoded for a thumbnail (a 100-megapixel photo), so a
// crafted file cannot make the app allocate without limit.
const MaxPixels = 100_000_000

// ErrNotImage reports bytes that are not a PNG, JPEG, GIF or WebP image small enough to decode.
var ErrNotImage = errors.New("not an image Outpost can preview")

// Supported reports whether a sniffed media type can have a thumbnail. SVG never does:
// it is a document that can carry script, shown only as a file.
func Supported(mediaType string) bool {
	switch mediaType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// Make decodes the image in r and returns a JPEG thumbnail whose longest side is at most Size.
func Make(r io.ReadSeeker) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(r)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, ErrNotImage
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, err := imaging.Decode(r, imaging.AutoOrientation(true))
	if err != nil {
		return nil, ErrNotImage
	}
	img = imaging.Fit(img, Size, Size, imaging.Lanczos)
	var out bytes.Buffer
	if err := imaging.Encode(&out, img, imaging.JPEG, imaging.JPEGQuality(82)); err != nil {
		return nil, fmt.Errorf("make thumbnail: %w", err)
	}
	return out.Bytes(), nil
}

// Cache keeps thumbnails in a folder, named by the blob's hash.
type Cache struct{ dir string }

// Dir is the cache's folder inside the data directory.
const Dir = "thumbs"

// OpenCache opens (creating) the thumbnail cache of a data directory.
func OpenCache(dataDir string) (*Cache, error) {
	dir := filepath.Join(dataDir, Dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open thumbnail cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Get returns the thumbnail of blob hash (a validated hash), making it from open() when
// it is not cached yet.
func (c *Cache) Get(hash string, open func() (io.ReadSeekCloser, error)) ([]byte, error) {
	path := filepath.Join(c.dir, hash+".jpg")
	if b, err := os.ReadFile(path); err == nil {
		return b, nil
	}
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := Make(f)
	if err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err == nil {
		_ = os.Rename(tmp, path) // a cache: failing to keep it costs only time
	}
	return b, nil
}
