package thumb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"testing"
)

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	return img
}

// withOrientation inserts an EXIF block (orientation tag, and a made-up GPS marker
// string) after the JPEG's start marker, as a phone camera writes it.
func withOrientation(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a\x00\x00\x00\x08")
	binary.Write(&tiff, binary.BigEndian, uint16(1))                                 // one entry
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3, 0, 1, orientation, 0}) // orientation, SHORT, count 1
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	tiff.WriteString("GPSLatitude 52.5200N 13.4050E")
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func size(t *testing.T, b []byte) (int, int) {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "jpeg" {
		t.Fatalf("thumbnail is not a JPEG: %s %v", format, err)
	}
	return cfg.Width, cfg.Height
}

func TestThumbnailFitsAndTurnsUpright(t *testing.T) {
	t.Parallel()
	var p bytes.Buffer
	png.Encode(&p, picture(400, 200))
	b, err := Make(bytes.NewReader(p.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if w, h := size(t, b); w != 320 || h != 160 {
		t.Fatalf("PNG 400x200 -> %dx%d, want 320x160", w, h)
	}

	var j bytes.Buffer
	jpeg.Encode(&j, picture(400, 200), nil)
	photo := withOrientation(j.Bytes(), 6) // taken with the phone turned: shown rotated 90°
	if _, err := jpeg.Decode(bytes.NewReader(photo)); err != nil {
		t.Fatalf("test photo does not decode: %v", err)
	}
	b, err = Make(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	if w, h := size(t, b); w != 160 || h != 320 {
		t.Fatalf("photo with EXIF orientation 6 -> %dx%d, want upright 160x320", w, h)
	}
	if bytes.Contains(b, []byte("Exif")) || bytes.Contains(b, []byte("GPSLatitude")) {
		t.Fatal("the thumbnail kept the photo's EXIF block")
	}
}

func TestNotImages(t *testing.T) {
	t.Parallel()
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	for name, b := range map[string][]byte{"svg": svg, "text": []byte("a log line"), "empty": nil} {
		if _, err := Make(bytes.NewReader(b)); !errors.Is(err, ErrNotImage) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A PNG header announcing 100,000 x 100,000 pixels is refused before decoding.
	var p bytes.Buffer
	png.Encode(&p, picture(2, 2))
	huge := p.Bytes()
	binary.BigEndian.PutUint32(huge[16:], 100_000)
	binary.BigEndian.PutUint32(huge[20:], 100_000)
	if _, err := Make(bytes.NewReader(huge)); !errors.Is(err, ErrNotImage) {
		t.Errorf("an image of 10^10 pixels: %v", err)
	}
	if Supported("image/svg+xml") || Supported("text/xml; charset=utf-8") || !Supported("image/jpeg") {
		t.Error("Supported")
	}
}

func TestCacheMakesOnce(t *testing.T) {
	t.Parallel()
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var p bytes.Buffer
	png.Encode(&p, picture(50, 50))
	opened := 0
	open := func() (io.ReadSeekCloser, error) {
		opened++
		return nopCloser{bytes.NewReader(p.Bytes())}, nil
	}
	a, err1 := c.Get("ab", open)
	b, err2 := c.Get("ab", open)
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) || opened != 1 {
		t.Fatalf("opened %d times, %v %v", opened, err1, err2)
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
