package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"testing"
)

// gpsValues are the rationals of the photo's latitude and longitude (52°31'12.34", 13°24'56.78"),
// distinctive enough to be looked for in the output.
var gpsValues = []uint32{52, 1, 31, 1, 1234, 100, 13, 1, 24, 1, 5678, 100}

// exifBlock is a big-endian TIFF block: IFD0 with Orientation 6 and a GPS pointer, and a GPS
// directory with a latitude reference and latitude and longitude stored after it.
func exifBlock() []byte {
	bo := binary.BigEndian
	t := []byte("MM\x00\x2a\x00\x00\x00\x08")
	entry := func(tag, typ uint16, count, value uint32) {
		t = bo.AppendUint16(t, tag)
		t = bo.AppendUint16(t, typ)
		t = bo.AppendUint32(t, count)
		t = bo.AppendUint32(t, value)
	}
	// IFD0 at 8: 2 entries -> 8 + 2 + 24 + 4 = 38: the GPS IFD
	t = bo.AppendUint16(t, 2)
	entry(0x0112, 3, 1, 6<<16) // Orientation 6, a SHORT left-justified
	entry(tagGPSInfo, 4, 1, 38)
	t = bo.AppendUint32(t, 0)
	// GPS IFD at 38: 3 entries -> 38 + 2 + 36 + 4 = 80: the values
	t = bo.AppendUint16(t, 3)
	entry(0x0001, 2, 2, uint32('N')<<24) // GPSLatitudeRef "N"
	entry(0x0002, 5, 3, 80)
	entry(0x0004, 5, 3, 104)
	t = bo.AppendUint32(t, 0)
	for _, v := range gpsValues {
		t = bo.AppendUint32(t, v)
	}
	return t
}

func segment(marker byte, body []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
	return append(s, body...)
}

// photoWithLocation is a real JPEG with an EXIF block and an XMP packet inserted after its start.
func photoWithLocation(t *testing.T) (file, picture []byte) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(3, 3, color.White)
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, nil); err != nil {
		t.Fatal(err)
	}
	plain := enc.Bytes()
	file = append([]byte{0xFF, 0xD8}, segment(0xE1, append([]byte("Exif\x00\x00"), exifBlock()...))...)
	file = append(file, segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude=\"52,31.2N\"/></x:xmpmeta>"))...)
	file = append(file, plain[2:]...)
	return file, plain[bytes.Index(plain, []byte{0xFF, 0xDA}):]
}

func TestStripLocationKeepsThePictureAndTheOrientation(t *testing.T) {
	t.Parallel()
	file, picture := photoWithLocation(t)
	if os.Getenv("OUTPOST_UPDATE_GOLDEN") != "" { // testdata/gps.jpg serves the app's tests
		if err := os.WriteFile("testdata/gps.jpg", file, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := StripLocation(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(r)
	var values []byte
	for _, v := range gpsValues[:6] {
		values = binary.BigEndian.AppendUint32(values, v)
	}
	if !bytes.Contains(file, values) {
		t.Fatal("the test photo does not carry its latitude")
	}
	switch {
	case bytes.Contains(out, values):
		t.Fatal("the latitude is still in the photo")
	case bytes.Contains(out, []byte("GPSLatitude")):
		t.Fatal("the XMP packet with the location is still in the photo")
	case !bytes.HasSuffix(out, picture):
		t.Fatal("the picture's bytes changed")
	case !bytes.Contains(out, []byte{0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, 6}):
		t.Fatal("the orientation was lost")
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("the result is not a JPEG any more: %v", err)
	}
	if len(out) != len(file)-len(segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description exif:GPSLatitude=\"52,31.2N\"/></x:xmpmeta>"))) {
		t.Fatalf("%d bytes out of %d: only the XMP packet should be gone", len(out), len(file))
	}
}

func TestStripLocationPassesOtherFiles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, data string }{
		{"text", "a log line\n"},
		{"empty", ""},
		{"a PNG", "\x89PNG\r\n\x1a\n...."},
		{"a JPEG cut short", "\xff\xd8\xff\xe1\x00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := StripLocation(bytes.NewReader([]byte(c.data)))
			if err != nil {
				t.Fatal(err)
			}
			if out, _ := io.ReadAll(r); string(out) != c.data {
				t.Fatalf("got %q, want the bytes unchanged", out)
			}
		})
	}
}

// Damaged EXIF blocks (offsets past the end, counts too large) are left as they are, without a
// panic; blanking writes in place, and blanking a blanked block again changes nothing.
func FuzzBlankGPS(f *testing.F) {
	f.Add(exifBlock())
	f.Add([]byte("II\x2a\x00\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b)
		blankGPS(b)
		again := bytes.Clone(b)
		blankGPS(again)
		if len(b) != n || !bytes.Equal(again, b) {
			t.Fatalf("blanking twice differs from blanking once:\n%x\n%x", b, again)
		}
	})
}
