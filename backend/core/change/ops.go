package change

import "slices"

// Ops gathers the operations of one action, keeping the first encoding error.
type Ops struct {
	list []Op
	err  error
}

// List returns the gathered operations and the first error met while building them.
func (l *Ops) List() ([]Op, error) { return l.list, l.err }

// Len returns how many operations were gathered.
func (l *Ops) Len() int { return len(l.list) }

// Set writes v to register name, replacing the given heads.
func (l *Ops) Set(name string, v any, replaces []ID) {
	op, err := Set(name, v, replaces)
	l.keep(op, err)
}

// Put writes v to register name of r, replacing its current heads.
func (l *Ops) Put(r Record, name string, v any) { l.Set(name, v, r.Heads(name)) }

// PutIfChanged writes new to register name of r when it differs from old.
func (l *Ops) PutIfChanged(r Record, name, old, new string) {
	if old != new {
		l.Put(r, name, new)
	}
}

// Append adds an append-only item.
func (l *Ops) Append(name string, v any) {
	op, err := Append(name, v)
	l.keep(op, err)
}

// Raw adds a prepared operation.
func (l *Ops) Raw(op Op) { l.list = append(l.list, op) }

// Add adds elem to set name.
func (l *Ops) Add(name, elem string) {
	l.list = append(l.list, Op{Op: OpAdd, Field: name, Elem: elem})
}

// Remove removes elem from set name of r (the adds this replica has seen).
func (l *Ops) Remove(r Record, name, elem string) {
	if adds := r.Adds(name, elem); len(adds) > 0 {
		l.list = append(l.list, Op{Op: OpRemove, Field: name, Elem: elem, Replaces: adds})
	}
}

// SyncSet adds and removes members so that set name of r holds exactly want.
func (l *Ops) SyncSet(r Record, name string, want []string) {
	have := r.Members(name)
	for _, w := range want {
		if !slices.Contains(have, w) {
			l.Add(name, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			l.Remove(r, name, h)
		}
	}
}

func (l *Ops) keep(op Op, err error) {
	if err != nil {
		if l.err == nil {
			l.err = err
		}
		return
	}
	l.list = append(l.list, op)
}
