package change

import (
	"encoding/base64"

	"outpost/backend/core/hlc"
)

// decodeChangeFast reads the canonical encoding Change.Encode writes without
// reflection. Anything else (an unknown or differently cased key, an escaped string,
// a number with a leading zero, a null) returns errSlowPath, and Decode reads it with
// encoding/json, which decides. Decode validates what either path returns.
func decodeChangeFast(b []byte) (Change, error) {
	d := recordDecoder{peeker{b: b}}
	var c Change
	err := d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "dev":
			c.Device, err = d.text()
		case "seq":
			c.Seq, err = d.uint()
		case "hlc":
			var n uint64
			n, err = d.uint()
			c.HLC = hlc.Timestamp(n)
		case "by":
			c.Author, err = d.text()
		case "kind":
			c.Kind, err = d.text()
		case "ent":
			c.Entity, err = d.text()
		case "ops":
			if d.ws() < len(d.b) && d.b[d.i] == 'n' {
				return errSlowPath
			}
			c.Ops = nil // a repeated key replaces, as in encoding/json
			err = d.array(func() error {
				op, err := d.op()
				c.Ops = append(c.Ops, op)
				return err
			}, func() { c.Ops = []Op{} })
		case "prev":
			c.Prev, err = d.bytes()
		case "sig":
			c.Sig, err = d.bytes()
		default:
			err = errSlowPath
		}
		return err
	})
	if err != nil || d.ws() != len(d.b) {
		return Change{}, errSlowPath
	}
	// Values alias b, as encoding/json's RawMessage would not: copy them out.
	for i := range c.Ops {
		if c.Ops[i].Value != nil {
			c.Ops[i].Value = append([]byte(nil), c.Ops[i].Value...)
		}
	}
	return c, nil
}

// bytes reads a base64 string as encoding/json reads a []byte.
func (d *recordDecoder) bytes() ([]byte, error) {
	s, err := d.text()
	if err != nil {
		return nil, err
	}
	out, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errSlowPath
	}
	return out, nil
}

func (d *recordDecoder) op() (Op, error) {
	var op Op
	err := d.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "op":
			var s string
			s, err = d.text()
			op.Op = OpKind(s)
		case "f":
			op.Field, err = d.text()
		case "v":
			if d.ws() < len(d.b) && d.b[d.i] == 'n' {
				return errSlowPath // null: encoding/json's RawMessage keeps "null"; leave it to it
			}
			op.Value, err = d.raw()
		case "e":
			op.Elem, err = d.text()
		case "r":
			if d.ws() < len(d.b) && d.b[d.i] == 'n' {
				return errSlowPath
			}
			op.Replaces, err = d.ids()
		default:
			err = errSlowPath
		}
		return err
	})
	return op, err
}
