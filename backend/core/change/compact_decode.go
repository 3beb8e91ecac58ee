package change

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// errCompact reports stored bytes that begin as a compact record and are not one.
var errCompact = errors.New("decode record: malformed compact encoding")

// decodeCompact reads what appendCompact writes. Values alias one copy of b.
func decodeCompact(b []byte) (Record, error) {
	d := compactDecoder{recordDecoder: recordDecoder{peeker{b: bytes.Clone(b)}}}
	var r Record
	err := d.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "v":
			var v uint64
			if v, err = d.uint(); err == nil && v != 2 {
				err = fmt.Errorf("version %d, written by a newer version of Outpost", v)
			}
		case "kind":
			r.Kind, err = d.string()
		case "id":
			r.ID, err = d.string()
		case "created":
			r.Created, err = d.stamp()
		case "createdBy":
			r.CreatedBy, err = d.string()
		case "updated":
			r.Updated, err = d.stamp()
		case "updatedBy":
			r.UpdatedBy, err = d.string()
		case "dev":
			err = d.array(func() error {
				s, err := d.string()
				d.devs = append(d.devs, s)
				return err
			}, func() {})
		case "w":
			err = d.array(d.stampEntry, func() {})
		case "fields":
			r.Fields = map[string]Field{}
			err = d.object(func(name []byte) error {
				f, err := d.field()
				r.Fields[string(name)] = f
				return err
			})
		case "sets":
			r.Sets = map[string][]Elem{}
			err = d.object(func(name []byte) error {
				es, err := d.elems()
				r.Sets[string(name)] = es
				return err
			})
		case "items":
			r.Items = map[string][]Item{}
			err = d.object(func(name []byte) error {
				its, err := d.items()
				r.Items[string(name)] = its
				return err
			})
		default:
			err = fmt.Errorf("unknown key %q", key)
		}
		return err
	})
	if err == nil && d.ws() != len(d.b) {
		err = errors.New("bytes after the record")
	}
	if err != nil {
		return Record{}, fmt.Errorf("%w: %w", errCompact, err)
	}
	return r, nil
}

type compactDecoder struct {
	recordDecoder
	devs   []string
	writes []stamp
}

// string reads a string, escapes and all.
func (d *compactDecoder) string() (string, error) {
	start := d.ws()
	s, err := d.str()
	if err != nil {
		return "", err
	}
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s), nil
	}
	var out string
	err = json.Unmarshal(d.b[start:d.i], &out)
	return out, err
}

// tuple reads an array whose elements elem reads by their place; it returns how many there were.
func (d *compactDecoder) tuple(elem func(i int) error) (int, error) {
	n := 0
	err := d.array(func() error {
		n++
		return elem(n - 1)
	}, func() {})
	return n, err
}

func (d *compactDecoder) index(n int) (int, error) {
	i, err := d.uint()
	if err != nil || i >= uint64(n) {
		return 0, fmt.Errorf("index %d of a table of %d", i, n)
	}
	return int(i), nil
}

// fixed reads a tuple of exactly n parts, what naming it in an error.
func (d *compactDecoder) fixed(what string, n int, elem func(i int) error) error {
	got, err := d.tuple(func(i int) error {
		if i >= n {
			return fmt.Errorf("a %s of more than %d parts", what, n)
		}
		return elem(i)
	})
	if err == nil && got != n {
		err = fmt.Errorf("a %s of %d parts, not %d", what, got, n)
	}
	return err
}

func (d *compactDecoder) stampEntry() error {
	var s stamp
	err := d.fixed("write", 4, func(i int) error {
		var err error
		switch i {
		case 0:
			var di int
			di, err = d.index(len(d.devs))
			s.id.Device = d.devs[di]
		case 1:
			s.id.Seq, err = d.uint()
		case 2:
			s.at, err = d.stamp()
		case 3:
			s.by, err = d.string()
		}
		return err
	})
	d.writes = append(d.writes, s)
	return err
}

// write reads w,VALUE at places i and i+1 of a tuple.
func (d *compactDecoder) write(w *Write, i int) error {
	if i == 0 {
		wi, err := d.index(len(d.writes))
		if err == nil {
			s := d.writes[wi]
			w.ID, w.At, w.By = s.id, s.at, s.by
		}
		return err
	}
	var err error
	w.Value, err = d.raw()
	return err
}

func (d *compactDecoder) field() (Field, error) {
	var f Field
	n, err := d.tuple(func(i int) error {
		switch i {
		case 0, 1:
			return d.write(&f.Write, i)
		case 2:
			var err error
			f.Heads, err = d.ids()
			return err
		case 3:
			return d.array(func() error {
				var w Write
				err := d.fixed("conflicting write", 2, func(i int) error { return d.write(&w, i) })
				f.Conflict = append(f.Conflict, w)
				return err
			}, func() {})
		}
		return errors.New("a field of more than four parts")
	})
	switch {
	case err != nil:
	case n == 2:
		f.Heads = []ID{f.ID}
	case n != 4:
		err = fmt.Errorf("a field of %d parts", n)
	}
	return f, err
}

func (d *compactDecoder) ids() ([]ID, error) {
	var out []ID
	err := d.array(func() error {
		var id ID
		err := d.fixed("change ID", 2, func(i int) error {
			if i == 0 {
				di, err := d.index(len(d.devs))
				id.Device = d.devs[di]
				return err
			}
			var err error
			id.Seq, err = d.uint()
			return err
		})
		out = append(out, id)
		return err
	}, func() { out = []ID{} })
	return out, err
}

func (d *compactDecoder) elems() ([]Elem, error) {
	var out []Elem
	err := d.array(func() error {
		var e Elem
		err := d.fixed("set member", 2, func(i int) error {
			var err error
			if i == 0 {
				e.Value, err = d.string()
			} else {
				e.Adds, err = d.ids()
			}
			return err
		})
		out = append(out, e)
		return err
	}, func() { out = []Elem{} })
	return out, err
}

func (d *compactDecoder) items() ([]Item, error) {
	var out []Item
	err := d.array(func() error {
		var it Item
		err := d.fixed("item", 4, func(i int) error {
			var err error
			switch i {
			case 0:
				it.ID, err = d.string()
			case 1:
				it.At, err = d.stamp()
			case 2:
				it.By, err = d.string()
			case 3:
				it.Value, err = d.raw()
			}
			return err
		})
		out = append(out, it)
		return err
	}, func() { out = []Item{} })
	return out, err
}
