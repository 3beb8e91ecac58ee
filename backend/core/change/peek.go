package change

import (
	"bytes"
	"errors"
	"slices"
)

// Peek is what PeekRegister finds of one register in an encoded record.
type Peek struct {
	Found    bool   // the field was ever written
	Value    []byte // the winning value's JSON, a slice of the encoded record
	Conflict bool   // concurrent writes lost to it
}

var (
	errPeek     = errors.New("peek record: malformed JSON")
	errPeekDone = errors.New("peek record: done")
)

// PeekRegister reads one register of an encoded record (Record.Encode) without decoding
// the rest: a cheap first look when most records are passed over (the queue finds its open
// tickets this way at start). Value aliases raw.
func PeekRegister(raw []byte, field string) (Peek, error) {
	out, err := PeekRegisters(raw, field)
	if err != nil {
		return Peek{}, err
	}
	return out[0], nil
}

// PeekRegisters is PeekRegister for several fields in one pass over raw.
func PeekRegisters(raw []byte, fields ...string) ([]Peek, error) {
	p := peeker{b: raw}
	compact := bytes.HasPrefix(raw, []byte(compactVersion))
	out := make([]Peek, len(fields))
	err := p.object(func(key []byte) error {
		if string(key) != "fields" {
			return p.skip()
		}
		err := p.object(func(name []byte) error {
			i := slices.Index(fields, string(name))
			if i < 0 {
				return p.skip()
			}
			out[i].Found = true
			if compact {
				return p.compactRegister(raw, &out[i])
			}
			return p.object(func(k []byte) error {
				switch string(k) {
				case "v":
					start := p.ws()
					if err := p.skip(); err != nil {
						return err
					}
					out[i].Value = raw[start:p.i]
				case "conflict":
					start := p.ws()
					if err := p.skip(); err != nil {
						return err
					}
					v := raw[start:p.i]
					out[i].Conflict = !bytes.Equal(v, []byte("null")) && !bytes.Equal(v, []byte("[]"))
				default:
					return p.skip()
				}
				return nil
			})
		})
		if err == nil {
			err = errPeekDone // registers are all under "fields": the rest need not be read
		}
		return err
	})
	if errors.Is(err, errPeekDone) {
		err = nil
	}
	return out, err
}

// compactRegister reads a field of the compact encoding: [w,VALUE] or [w,VALUE,HEADS,CONFLICTS].
func (p *peeker) compactRegister(raw []byte, out *Peek) error {
	if p.ws() >= len(p.b) || p.b[p.i] != '[' {
		return errPeek
	}
	p.i++
	for part := 0; ; part++ {
		start := p.ws()
		if err := p.skip(); err != nil {
			return err
		}
		switch part {
		case 1:
			out.Value = raw[start:p.i]
		case 3:
			v := raw[start:p.i]
			out.Conflict = !bytes.Equal(v, []byte("null")) && !bytes.Equal(v, []byte("[]"))
		}
		if p.ws() >= len(p.b) {
			return errPeek
		}
		p.i++
		if p.b[p.i-1] == ']' {
			return nil
		}
		if p.b[p.i-1] != ',' {
			return errPeek
		}
	}
}

// peeker walks JSON text without building values.
type peeker struct {
	b []byte
	i int
}

// ws skips white space and returns the position of the next token.
func (p *peeker) ws() int {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return p.i
		}
	}
	return p.i
}

// object walks an object, calling member with each key; member must consume the value.
func (p *peeker) object(member func(key []byte) error) error {
	if p.ws() >= len(p.b) || p.b[p.i] != '{' {
		return errPeek
	}
	p.i++
	if p.ws() < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		p.ws()
		key, err := p.str()
		if err != nil {
			return err
		}
		if p.ws() >= len(p.b) || p.b[p.i] != ':' {
			return errPeek
		}
		p.i++
		if err := member(key); err != nil {
			return err
		}
		if p.ws() >= len(p.b) {
			return errPeek
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return errPeek
		}
	}
}

// str reads a string and returns its raw contents (escapes left as they are).
func (p *peeker) str() ([]byte, error) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, errPeek
	}
	start := p.i + 1
	for j := start; ; {
		k := bytes.IndexByte(p.b[j:], '"')
		if k < 0 {
			return nil, errPeek
		}
		j += k
		// The quote ends the string unless an odd number of backslashes precede it.
		n := 0
		for m := j - 1; m >= start && p.b[m] == '\\'; m-- {
			n++
		}
		if n%2 == 0 {
			p.i = j + 1
			return p.b[start:j], nil
		}
		j++
	}
}

// skip passes over one value.
func (p *peeker) skip() error {
	if p.ws() >= len(p.b) {
		return errPeek
	}
	switch p.b[p.i] {
	case '"':
		_, err := p.str()
		return err
	case '{', '[':
		depth := 0
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case '"':
				if _, err := p.str(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					p.i++
					return nil
				}
			}
			p.i++
		}
		return errPeek
	default:
		start := p.i
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if p.i == start {
					return errPeek
				}
				return nil
			}
			p.i++
		}
		return errPeek
	}
}
