package requester

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/directory"
	"outpost/backend/ticket"
)

// Migrated counts what a migration wrote.
type Migrated struct {
	Created int `json:"created"` // requester records made
	Linked  int `json:"linked"`  // tickets given (or moved to) a requester
	Retired int `json:"retired"` // directory contacts of type requester moved here
	Skipped int `json:"skipped"` // sources whose requester was deleted from the directory
}

// source is one older place a requester was written: a ticket's inline requester or a
// directory contact of type requester.
type source struct {
	contact string // the directory contact's ID, or ""
	ticket  string // the ticket's ID, or ""
	at      uint64 // the ticket's creation (HLC); contacts come first
	in      Input
}

// group is the sources of one requester: those sharing an address, or (without one) a
// name and contact.
type group struct {
	email   string // "" for a group by name and contact
	pairID  string
	sources []source
}

// Migrate moves today's requesters into the directory: every ticket's inline requester and
// every directory contact of type requester. Sources with one address become one requester
// (the address's holder, or a new record of the ID the address derives); sources without an
// address become one requester per distinct name and contact, with an ID derived from that
// pair. Tickets are linked, contacts retired, and tickets linked to a requester since merged
// into another move to the survivor. The result depends only on the replica's records, and
// only what differs is written: running it again, or on every replica, converges.
func (s *Service) Migrate(ctx context.Context, author string) (Migrated, error) {
	groups, relinks, err := s.sources()
	if err != nil {
		return Migrated{}, fmt.Errorf("migrate requesters: %w", err)
	}
	var res Migrated
	limit, _ := s.st.Limits()
	full := func(tx *store.Tx) bool { size, _ := tx.Size(); return size > limit/4 }
	// A transaction ends once it holds a quarter of what Badger takes in one, even
	// inside a group: one address can stand for thousands of imported tickets.
	for i, j := 0, 0; i < len(groups); {
		_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
			for ; i < len(groups); i, j = i+1, 0 {
				next, err := s.migrateGroup(ctx, tx, groups[i], j, full, &res)
				if err != nil {
					return err
				}
				if next < len(groups[i].sources) {
					j = next
					return nil
				}
				if full(tx) {
					i, j = i+1, 0
					return nil
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("migrate requesters: %w", err)
		}
	}
	if err := s.repair(ctx, author, relinks, &res); err != nil {
		return res, fmt.Errorf("migrate requesters: %w", err)
	}
	return res, nil
}

// migrateGroup writes one group's requester (when missing) and links its sources to
// it, from the from-th on, until full says the transaction holds enough. It returns
// the index of the first source left for the next transaction (len(g.sources) when
// none is left).
func (s *Service) migrateGroup(ctx context.Context, tx *store.Tx, g group, from int, full func(*store.Tx) bool, res *Migrated) (int, error) {
	id, created, err := s.ensure(tx, g)
	if err != nil || id == "" {
		if err == nil && from == 0 {
			res.Skipped += len(g.sources)
		}
		return len(g.sources), err
	}
	if created {
		res.Created++
	}
	within := s.tickets.Within(tx)
	for k := from; k < len(g.sources); k++ {
		if k > from && full(tx) {
			return k, nil
		}
		switch src := g.sources[k]; {
		case src.contact != "":
			if err := directory.RetireContact(tx, src.contact, id); err != nil {
				return 0, err
			}
			res.Retired++
		case src.ticket != "":
			if _, err := within.SetRequester(ctx, tx.Author(), src.ticket, id); err != nil {
				return 0, fmt.Errorf("link ticket %s: %w", src.ticket, err)
			}
			res.Linked++
		}
	}
	return len(g.sources), nil
}

// ensure returns the requester group g belongs to (see groupTarget), writing it from g's
// sources when it is missing.
func (s *Service) ensure(tx *store.Tx, g group) (id string, created bool, err error) {
	id, err = s.groupTarget(tx, g)
	if err != nil || id == "" {
		return "", false, err
	}
	if _, err := tx.Get(Kind, id); err == nil {
		return id, false, nil
	}
	ops := &change.Ops{}
	putInput(ops, change.Record{}, combine(g))
	list, _ := ops.List()
	if _, err := tx.Write(Kind, id, list); err != nil {
		return "", false, err
	}
	return id, true, nil
}

// Link returns the requester a ticket's inline requester stands for, as Migrate links
// it, and writes that requester in tx when it is missing: an import links its tickets as
// it writes them, and no migration rewrites them afterwards. It returns "" when there is
// nothing to link (no name and no contact) or the requester was deleted from the directory.
func (s *Service) Link(tx *store.Tx, rq ticket.Requester) (string, error) {
	email := emailIn(rq.Contact)
	g := group{email: email}
	in := Input{Name: rq.Name, Site: rq.Site}
	if email == "" {
		if strings.TrimSpace(rq.Name) == "" && strings.TrimSpace(rq.Contact) == "" {
			return "", nil
		}
		g.pairID = idForPair(rq.Name, rq.Contact)
		in.Phone = rq.Contact
	}
	g.sources = []source{{in: in}}
	id, _, err := s.ensure(tx, g)
	return id, err
}

// groupTarget returns the requester group g belongs to: the live holder of its address, a
// requester it was merged into, or the ID it derives when there is no such record yet.
// It returns "" when that record was deleted from the directory.
func (s *Service) groupTarget(tx *store.Tx, g group) (string, error) {
	id := g.pairID
	if g.email != "" {
		holder, err := s.holder(tx, g.email)
		if err != nil || holder != "" {
			return holder, err
		}
		id = IDFor(g.email)
	}
	r, err := tx.Get(Kind, id)
	if err != nil || !r.Deleted() {
		return id, nil // missing: to be created; live: found
	}
	if r.String(fMergedInto) == "" {
		return "", nil
	}
	live, err := s.live(tx, id)
	if err != nil {
		return "", nil
	}
	return live.ID, nil
}

// combine makes a new requester of a group's sources: the first non-empty value of each
// field, contacts first, then tickets oldest first.
func combine(g group) Input {
	var in Input
	for _, src := range g.sources {
		for _, f := range []struct {
			dst *string
			v   string
		}{
			{&in.Name, src.in.Name}, {&in.Phone, src.in.Phone}, {&in.Site, src.in.Site},
			{&in.Department, src.in.Department}, {&in.Notes, src.in.Notes},
		} {
			if *f.dst == "" {
				*f.dst = f.v
			}
		}
	}
	if in.Name == "" {
		in.Name, _, _ = strings.Cut(g.email, "@")
	}
	in.Emails = []string{}
	if g.email != "" {
		in.Emails = []string{g.email}
	}
	in.normalize()
	return in
}

// sources reads the directory contacts of type requester and the tickets not yet linked,
// grouped, in an order every replica computes alike; and the tickets whose requester was
// merged into another (to relink).
func (s *Service) sources() ([]group, map[string]string, error) {
	byKey := map[string]*group{}
	add := func(src source, email, name, contact string) {
		key, pair := "e:"+email, ""
		if email == "" {
			if strings.TrimSpace(name) == "" && strings.TrimSpace(contact) == "" {
				return
			}
			pair = idForPair(name, contact)
			key = "p:" + pair
		}
		if byKey[key] == nil {
			byKey[key] = &group{email: email, pairID: pair}
		}
		byKey[key].sources = append(byKey[key].sources, src)
	}
	contacts, err := directory.NewService(s.st, nil).Contacts(directory.ContactRequester)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range contacts {
		email := NormalizeEmail(c.Email)
		if !ValidEmail(email) {
			email = ""
		}
		site, _, _ := strings.Cut(c.Address, "\n")
		in := Input{Name: c.Name, Phone: c.Phone, Site: site, Department: c.Organisation, Notes: c.Notes}
		add(source{contact: c.ID, in: in}, email, c.Name, contactOf(email, c.Phone))
	}
	relinks, err := s.ticketSources(add)
	if err != nil {
		return nil, nil, err
	}
	out := make([]group, 0, len(byKey))
	for _, g := range byKey {
		slices.SortFunc(g.sources, func(a, b source) int {
			return cmp.Or(cmpContactFirst(a, b), cmp.Compare(a.at, b.at),
				strings.Compare(a.contact, b.contact), strings.Compare(a.ticket, b.ticket))
		})
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b group) int { return strings.Compare(a.email+a.pairID, b.email+b.pairID) })
	return out, relinks, nil
}

func cmpContactFirst(a, b source) int {
	switch {
	case a.contact != "" && b.contact == "":
		return -1
	case a.contact == "" && b.contact != "":
		return 1
	}
	return 0
}

func contactOf(email, phone string) string {
	if email != "" {
		return email
	}
	return phone
}

// ticketSources passes every live ticket with an inline requester and no link to add, and
// returns the tickets linked to a requester record that is no longer live, by requester.
func (s *Service) ticketSources(add func(source, string, string, string)) (map[string]string, error) {
	relinks := map[string]string{}
	err := s.st.ScanEncoded(ticket.Kind, func(id string, raw []byte) error {
		ps, err := change.PeekRegisters(raw, ticket.FieldRequesterID, "requester", change.FieldDeleted)
		if err != nil || string(ps[2].Value) == "true" {
			return nil
		}
		var linked string
		if ps[0].Found && json.Unmarshal(ps[0].Value, &linked) == nil && linked != "" {
			relinks[id] = linked
			return nil
		}
		var rq ticket.Requester
		if !ps[1].Found || json.Unmarshal(ps[1].Value, &rq) != nil || rq == (ticket.Requester{}) {
			return nil
		}
		r, err := change.DecodeRecord(raw)
		if err != nil {
			return nil
		}
		email := emailIn(rq.Contact)
		in := Input{Name: rq.Name, Site: rq.Site}
		if email == "" {
			in.Phone = rq.Contact
		}
		add(source{ticket: id, at: uint64(r.Created), in: in}, email, rq.Name, rq.Contact)
		return nil
	})
	return relinks, err
}

// emailIn returns the first email address in a contact line ("" for none).
func emailIn(contact string) string {
	for _, w := range strings.FieldsFunc(contact, func(r rune) bool { return strings.ContainsRune(" \t,;<>()[]\"'", r) }) {
		if e := NormalizeEmail(strings.TrimPrefix(w, "mailto:")); ValidEmail(e) {
			return e
		}
	}
	return ""
}

// repair moves tickets linked to a requester that was merged into another to the survivor.
func (s *Service) repair(ctx context.Context, author string, relinks map[string]string, res *Migrated) error {
	ids := make([]string, 0, len(relinks))
	for id, rq := range relinks {
		r, err := s.st.Get(Kind, rq)
		if err == nil && r.Deleted() && r.String(fMergedInto) != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		live, err := s.live(s.st, relinks[id])
		if err != nil {
			continue
		}
		if _, err := s.tickets.SetRequester(ctx, author, id, live.ID); err != nil {
			return fmt.Errorf("relink ticket %s: %w", id, err)
		}
		res.Linked++
	}
	return nil
}
