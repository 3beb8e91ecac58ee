package change

import (
	"strconv"
	"unicode/utf8"
)

// The queue, search and every screen read a record's string and number fields by
// the hundred thousand; encoding/json scans each value twice and reflects. Most are
// written by json.Marshal in their plain form, which these read directly: a string
// with nothing to unescape, an integer without sign, fraction or exponent quirks.
// Anything else reports false and goes to encoding/json, which decides as before.

// plainString reads v as a JSON string without escapes.
func plainString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", len(v) == 0 // unset: ""
	}
	body := v[1 : len(v)-1]
	ascii := true
	for _, c := range body {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if !ascii && !utf8.Valid(body) {
		return "", false // encoding/json replaces what is not UTF-8
	}
	return string(body), true
}

// plainInt reads v as a JSON integer: an optional minus, then 0 or digits not led by 0.
func plainInt(v []byte) (int, bool) {
	if len(v) == 0 {
		return 0, true // unset: 0
	}
	digits := v
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(string(v))
	return n, err == nil
}
