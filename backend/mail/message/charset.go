package message

import (
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// fixC1 reads C1 control characters (U+0080 to U+009F) as the Windows-1252 characters they were
// meant to be. Mail programs label Windows-1252 text (smart quotes, dashes, the euro sign) as
// ISO-8859-1 or US-ASCII, whose decoders turn those bytes into C1 controls; browsers read such
// labels as Windows-1252 for the same reason (WHATWG Encoding). Text with no C1 characters is
// returned as it is.
func fixC1(s string) string {
	if !strings.ContainsFunc(s, isC1) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isC1(r) {
			return charmap.Windows1252.DecodeByte(byte(r))
		}
		return r
	}, s)
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }
