// Package photo removes the place a photo was taken from JPEG files, losslessly: the GPS
// part of the EXIF block is blanked in place and XMP packets (which can repeat it) are
// dropped, while the picture's bytes and the rest of its metadata (orientation, camera,
// time) stay exactly as they were. Files that are not JPEG pass through untouched.
package photo

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// maxHeader bounds the metadata read before the picture data; a JPEG whose segments before
// the image run longer is refused rather than read into memory without limit.
const maxHeader = 16 << 20

// ErrTooMuchMetadata reports a JPEG whose metadata segments exceed maxHeader.
var ErrTooMuchMetadata = errors.New("the photo carries more metadata than Outpost reads")

var (
	exifID = []byte("Exif\x00\x00")
	xmpIDs = [][]byte{[]byte("http://ns.adobe.com/xap/1.0/\x00"), []byte("http://ns.adobe.com/xmp/extension/\x00")}
)

// StripLocation returns r's bytes with the location removed if they are a JPEG (and as they
// are otherwise), streaming: only the segments before the picture data are held in memory.
func StripLocation(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, err := br.Peek(3); err != nil || !bytes.Equal(magic, []byte{0xFF, 0xD8, 0xFF}) {
		return br, nil // not a JPEG (or shorter than one)
	}
	head, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	return io.MultiReader(bytes.NewReader(head), br), nil
}

// readHeader reads the start of image and every segment up to the picture data, blanking
// the GPS of EXIF blocks and leaving out XMP packets. It stops before the first marker
// that has no length (the start of scan, or anything unexpected), which stays in br.
func readHeader(br *bufio.Reader) ([]byte, error) {
	out := make([]byte, 2, 64<<10)
	out[0], out[1] = 0xFF, 0xD8
	if _, err := br.Discard(2); err != nil {
		return nil, err
	}
	for len(out) < maxHeader {
		m, err := br.Peek(4)
		if err != nil || m[0] != 0xFF || !hasLength(m[1]) {
			return out, nil // the rest (scan data, or a file cut short) passes as it is
		}
		n := int(binary.BigEndian.Uint16(m[2:]))
		if n < 2 {
			return out, nil
		}
		seg := make([]byte, 2+n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return nil, err
		}
		body := seg[4:]
		if m[1] == 0xE1 && bytes.HasPrefix(body, exifID) {
			blankGPS(body[len(exifID):])
		}
		if m[1] == 0xE1 && isXMP(body) {
			continue
		}
		out = append(out, seg...)
	}
	return nil, ErrTooMuchMetadata
}

// hasLength reports whether a marker is followed by a segment length: every marker but
// the standalone ones and the start of scan, after which the picture data runs.
func hasLength(marker byte) bool {
	switch {
	case marker == 0xDA, marker == 0xD8, marker == 0xD9, marker == 0x01, marker == 0xFF:
		return false
	case marker >= 0xD0 && marker <= 0xD7:
		return false
	}
	return true
}

func isXMP(body []byte) bool {
	for _, id := range xmpIDs {
		if bytes.HasPrefix(body, id) {
			return true
		}
	}
	return false
}
