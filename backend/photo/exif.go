package photo

import (
	"bytes"
	"encoding/binary"
)

const tagGPSInfo = 0x8825

// typeSizes is the size in bytes of one value of each TIFF field type (1-12).
var typeSizes = [...]int{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8}

// blankGPS finds the GPS directory of an EXIF (TIFF) block and blanks it in place: every
// value it points to is zeroed, and the directory is left with no entries, so the block
// keeps its length and every other offset in it stays right. A block it cannot read is
// left alone (there is then no GPS directory a reader could find either).
//
// Blanking goes on until a pass changes nothing: in a damaged or hostile block, values
// may overlap the main directory, and zeroing them can uncover another GPS entry (or
// make a directory readable that was not) for a reader to find. Every pass that changes
// something zeroes at least one byte, so this ends.
func blankGPS(tiff []byte) {
	before := make([]byte, len(tiff))
	for {
		copy(before, tiff)
		blankGPSOnce(tiff)
		if bytes.Equal(before, tiff) {
			return
		}
	}
}

func blankGPSOnce(tiff []byte) {
	if len(tiff) < 8 {
		return
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return
	}
	if bo.Uint16(tiff[2:]) != 42 {
		return
	}
	gps, ok := findTag(tiff, bo, int(bo.Uint32(tiff[4:])), tagGPSInfo)
	if !ok || gps+2 > len(tiff) {
		return
	}
	n := int(bo.Uint16(tiff[gps:]))
	end := gps + 2 + 12*n + 4
	if end > len(tiff) {
		return
	}
	for i := range n {
		e := tiff[gps+2+12*i:]
		typ, count := int(bo.Uint16(e[2:])), int64(bo.Uint32(e[4:]))
		if typ <= 0 || typ >= len(typeSizes) {
			continue
		}
		if size := int64(typeSizes[typ]) * count; size > 4 {
			off := int64(bo.Uint32(e[8:]))
			if off >= 0 && off+size <= int64(len(tiff)) {
				clear(tiff[off : off+size])
			}
		}
	}
	clear(tiff[gps:end]) // no entries, no next directory
}

// findTag returns the LONG value of tag in the directory at off (IFD0).
func findTag(tiff []byte, bo binary.ByteOrder, off int, tag uint16) (int, bool) {
	if off < 8 || off+2 > len(tiff) {
		return 0, false
	}
	n := int(bo.Uint16(tiff[off:]))
	for i := range n {
		e := off + 2 + 12*i
		if e+12 > len(tiff) {
			return 0, false
		}
		if bo.Uint16(tiff[e:]) == tag {
			return int(bo.Uint32(tiff[e+8:])), true
		}
	}
	return 0, false
}
