package change

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"

	"outpost/backend/core/hlc"
)

// errSlowPath sends a record the fast decoder does not recognise to encoding/json.
var errSlowPath = errors.New("decode record: not in canonical form")

// decodeRecordFast reads the canonical encoding Record.Encode writes, several times
// faster than encoding/json: no reflection, and every value (json.RawMessage) is a
// slice of one copy of b instead of a copy each. Anything else (an unknown key, an
// escaped or non-UTF-8 name) returns errSlowPath and DecodeRecord uses encoding/json.
func decodeRecordFast(b []byte) (Record, error) {
	buf := make([]byte, len(b)) // values alias this copy: b belongs to the caller
	copy(buf, b)
	d := recordDecoder{peeker{b: buf}}
	var r Record
	err := d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "kind":
			r.Kind, err = d.text()
		case "id":
			r.ID, err = d.text()
		case "created":
			r.Created, err = d.stamp()
		case "createdBy":
			r.CreatedBy, err = d.text()
		case "updated":
			r.Updated, err = d.stamp()
		case "updatedBy":
			r.UpdatedBy, err = d.text()
		case "fields":
			err = d.nullable(func() error {
				r.Fields = map[string]Field{}
				return d.object(func(name []byte) error {
					f, err := d.field()
					r.Fields[string(name)] = f
					return err
				})
			})
		case "sets":
			err = d.nullable(func() error {
				r.Sets = map[string][]Elem{}
				return d.object(func(name []byte) error {
					var elems []Elem
					err := d.array(func() error {
						e, err := d.elem()
						elems = append(elems, e)
						return err
					}, func() { elems = []Elem{} })
					r.Sets[string(name)] = elems
					return err
				})
			})
		case "items":
			err = d.nullable(func() error {
				r.Items = map[string][]Item{}
				return d.object(func(name []byte) error {
					var items []Item
					err := d.array(func() error {
						it, err := d.item()
						items = append(items, it)
						return err
					}, func() { items = []Item{} })
					r.Items[string(name)] = items
					return err
				})
			})
		default:
			err = errSlowPath
		}
		return err
	})
	if err == nil && d.ws() != len(d.b) {
		err = errSlowPath
	}
	return r, err
}

type recordDecoder struct{ peeker }

// text reads a string without escapes.
func (d *recordDecoder) text() (string, error) {
	d.ws()
	s, err := d.str()
	if err != nil {
		return "", err
	}
	ascii := true
	for _, c := range s { // every byte: an escape after a non-ASCII character must still take the slow path
		if c == '\\' || c < 0x20 {
			return "", errSlowPath
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if !ascii && !utf8.Valid(s) {
		return "", errSlowPath
	}
	return string(s), nil
}

// uint reads an unsigned integer; a leading zero, which JSON forbids, takes the slow path.
func (d *recordDecoder) uint() (uint64, error) {
	start := d.ws()
	if start+1 < len(d.b) && d.b[start] == '0' && d.b[start+1] >= '0' && d.b[start+1] <= '9' {
		return 0, errSlowPath
	}
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	n, err := strconv.ParseUint(string(d.b[start:d.i]), 10, 64)
	if err != nil {
		return 0, errSlowPath
	}
	return n, nil
}

func (d *recordDecoder) stamp() (hlc.Timestamp, error) {
	n, err := d.uint()
	return hlc.Timestamp(n), err
}

// raw returns the next value as it is written.
func (d *recordDecoder) raw() (json.RawMessage, error) {
	start := d.ws()
	if err := d.skip(); err != nil {
		return nil, err
	}
	return json.RawMessage(d.b[start:d.i:d.i]), nil
}

// nullable runs fn unless the next value is null.
func (d *recordDecoder) nullable(fn func() error) error {
	d.ws()
	if d.i+4 <= len(d.b) && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return nil
	}
	return fn()
}

// array calls elem for each element of an array (or nothing for null); empty is
// called for an empty array, which encoding/json decodes as an empty, non-nil slice.
func (d *recordDecoder) array(elem func() error, empty func()) error {
	return d.nullable(func() error {
		if d.ws() >= len(d.b) || d.b[d.i] != '[' {
			return errSlowPath
		}
		d.i++
		if d.ws() < len(d.b) && d.b[d.i] == ']' {
			d.i++
			empty()
			return nil
		}
		for {
			if err := elem(); err != nil {
				return err
			}
			if d.ws() >= len(d.b) {
				return errSlowPath
			}
			switch d.b[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				return nil
			default:
				return errSlowPath
			}
		}
	})
}

func (d *recordDecoder) id() (ID, error) {
	var id ID
	err := d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "d":
			id.Device, err = d.text()
		case "s":
			id.Seq, err = d.uint()
		default:
			err = errSlowPath
		}
		return err
	})
	return id, err
}

func (d *recordDecoder) ids() ([]ID, error) {
	var out []ID
	err := d.array(func() error {
		id, err := d.id()
		out = append(out, id)
		return err
	}, func() { out = []ID{} })
	return out, err
}

// write reads one member of a Write; it reports false for a key that is not one.
func (d *recordDecoder) write(w *Write, k []byte) (bool, error) {
	var err error
	switch string(k) {
	case "id":
		w.ID, err = d.id()
	case "at":
		w.At, err = d.stamp()
	case "by":
		w.By, err = d.text()
	case "v":
		w.Value, err = d.raw()
	default:
		return false, nil
	}
	return true, err
}

func (d *recordDecoder) field() (Field, error) {
	var f Field
	err := d.object(func(k []byte) error {
		if ok, err := d.write(&f.Write, k); ok {
			return err
		}
		var err error
		switch string(k) {
		case "heads":
			f.Heads, err = d.ids()
		case "conflict":
			err = d.array(func() error {
				var w Write
				err := d.object(func(k []byte) error {
					ok, err := d.write(&w, k)
					if !ok {
						return errSlowPath
					}
					return err
				})
				f.Conflict = append(f.Conflict, w)
				return err
			}, func() { f.Conflict = []Write{} })
		default:
			err = errSlowPath
		}
		return err
	})
	return f, err
}

func (d *recordDecoder) elem() (Elem, error) {
	var e Elem
	err := d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "v":
			e.Value, err = d.text()
		case "adds":
			e.Adds, err = d.ids()
		default:
			err = errSlowPath
		}
		return err
	})
	return e, err
}

func (d *recordDecoder) item() (Item, error) {
	var it Item
	err := d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "id":
			it.ID, err = d.text()
		case "at":
			it.At, err = d.stamp()
		case "by":
			it.By, err = d.text()
		case "v":
			it.Value, err = d.raw()
		default:
			err = errSlowPath
		}
		return err
	})
	return it, err
}
