package change

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// appendChange appends c's canonical encoding, with or without its signature, to
// dst. The bytes are exactly json.Marshal's (the signature covers them, and
// changes signed by older versions are verified against them), written without
// reflection: every change an import or a catch-up makes is encoded at least
// twice (signature, chain link, log). TestEncodingMatchesJSONMarshal and
// FuzzDecode hold it to json.Marshal.
func appendChange(dst []byte, c *Change, withSig bool) ([]byte, error) {
	dst = append(dst, `{"dev":`...)
	dst = appendMarshalString(dst, c.Device)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendUint(dst, c.Seq, 10)
	dst = append(dst, `,"hlc":`...)
	dst = strconv.AppendUint(dst, uint64(c.HLC), 10)
	dst = append(dst, `,"by":`...)
	dst = appendMarshalString(dst, c.Author)
	dst = append(dst, `,"kind":`...)
	dst = appendMarshalString(dst, c.Kind)
	dst = append(dst, `,"ent":`...)
	dst = appendMarshalString(dst, c.Entity)
	dst = append(dst, `,"ops":`...)
	if c.Ops == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range c.Ops {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendOp(dst, &c.Ops[i]); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	if len(c.Prev) > 0 {
		dst = append(dst, `,"prev":`...)
		dst = appendBase64(dst, c.Prev)
	}
	if withSig && len(c.Sig) > 0 {
		dst = append(dst, `,"sig":`...)
		dst = appendBase64(dst, c.Sig)
	}
	return append(dst, '}'), nil
}

func appendOp(dst []byte, op *Op) ([]byte, error) {
	dst = append(dst, `{"op":`...)
	dst = appendMarshalString(dst, string(op.Op))
	dst = append(dst, `,"f":`...)
	dst = appendMarshalString(dst, op.Field)
	if len(op.Value) > 0 {
		dst = append(dst, `,"v":`...)
		var err error
		if dst, err = appendRaw(dst, op.Value); err != nil {
			return nil, err
		}
	}
	if op.Elem != "" {
		dst = append(dst, `,"e":`...)
		dst = appendMarshalString(dst, op.Elem)
	}
	if len(op.Replaces) > 0 {
		dst = append(dst, `,"r":[`...)
		for i, id := range op.Replaces {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"d":`...)
			dst = appendMarshalString(dst, id.Device)
			dst = append(dst, `,"s":`...)
			dst = strconv.AppendUint(dst, id.Seq, 10)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// appendRaw appends a JSON value as json.Marshal writes a json.RawMessage:
// compacted, with <, >, &, U+2028 and U+2029 escaped; invalid JSON is an error.
func appendRaw(dst []byte, v []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, v); err != nil {
		return nil, fmt.Errorf("op value: %w", err)
	}
	out := buf.Bytes()
	value := out[len(dst):]
	if needsHTMLEscape(value) {
		var esc bytes.Buffer
		json.HTMLEscape(&esc, value)
		out = append(out[:len(dst)], esc.Bytes()...)
	}
	return out, nil
}

// needsHTMLEscape reports whether v holds <, >, & or the first byte of U+2028 or
// U+2029 (a byte loop: bytes.ContainsAny decodes runes, a tenth of an import's encoding).
func needsHTMLEscape(v []byte) bool {
	for _, b := range v {
		if b == '<' || b == '>' || b == '&' || b == 0xE2 {
			return true
		}
	}
	return false
}

func appendBase64(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendMarshalString is encoding/json's string encoding with HTML escaping, as
// json.Marshal writes it.
func appendMarshalString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
