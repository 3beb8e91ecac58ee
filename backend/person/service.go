package person

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// Errors callers branch on.
var (
	ErrNoIdentity = errors.New("no person is set up on this device yet: set up who you are first")
	ErrNotFound   = errors.New("person not found")
)

// Options configure a Service.
type Options struct {
	Dir        string // the data directory holding FileName
	WorkFactor int    // scrypt work factor (log2) of exported identities; 0 means 18, about a second
}

// Service knows who uses this device and who the team's people are.
// It is safe for concurrent use.
type Service struct {
	st         *store.Store
	dir        string
	workFactor int

	mu  sync.Mutex
	loc *local
	key *age.X25519Identity
}

// NewService reads this device's binding from opts.Dir, if it has one.
func NewService(st *store.Store, opts Options) (*Service, error) {
	s := &Service{st: st, dir: opts.Dir, workFactor: opts.WorkFactor}
	if s.workFactor == 0 {
		s.workFactor = 18
	}
	loc, err := loadLocal(opts.Dir)
	if err != nil {
		return nil, err
	}
	if loc != nil {
		if s.key, err = loc.identity(); err != nil {
			return nil, err
		}
		s.loc = loc
	}
	return s, nil
}

// Me is who uses this device. Set is false until a person is set up or imported;
// Pending is true when the identity was imported and the person's record has not
// arrived by sync yet (the profile shown is the one carried by the export).
type Me struct {
	Set     bool `json:"set"`
	Pending bool `json:"pending"`
	Person
}

// Me returns who uses this device.
func (s *Service) Me() (Me, error) {
	p, _, err := s.Current()
	if errors.Is(err, ErrNoIdentity) {
		return Me{}, nil
	}
	if err != nil {
		return Me{}, err
	}
	_, gerr := s.st.Get(Kind, p.ID)
	return Me{Set: true, Pending: errors.Is(gerr, store.ErrNotFound), Person: p}, nil
}

// Current returns the person bound to this device and their private key, or ErrNoIdentity.
func (s *Service) Current() (Person, *age.X25519Identity, error) {
	s.mu.Lock()
	loc, key := s.loc, s.key
	s.mu.Unlock()
	if loc == nil {
		return Person{}, nil, ErrNoIdentity
	}
	p, err := s.Get(loc.Person)
	if errors.Is(err, ErrNotFound) {
		p = Person{ID: loc.Person, Name: loc.Profile.Name, Role: loc.Profile.Role, TechnicianID: loc.Profile.TechnicianID}
	} else if err != nil {
		return Person{}, nil, err
	}
	p.Recipient = key.Recipient().String() // the key this device holds is the truth for itself
	return p, key, nil
}

// Name returns the display name of this device's person, or "" when none is set up.
func (s *Service) Name() string {
	p, _, err := s.Current()
	if err != nil {
		return ""
	}
	return p.Name
}

// SetUp makes this device's person: the first time it creates the person's key and
// record; afterwards it updates the person's name, role and technician profile.
func (s *Service) SetUp(ctx context.Context, p Profile) (Person, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return Person{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.loc
	key := s.key
	if loc == nil {
		var err error
		if key, err = age.GenerateX25519Identity(); err != nil {
			return Person{}, fmt.Errorf("generate person key: %w", err)
		}
		loc = &local{Person: store.NewID(), Key: key.String()}
	}
	next := *loc
	next.Profile = p
	// The key is on disk before the record that publishes it, so a crash never leaves a
	// published key without its private half.
	if err := saveLocal(s.dir, next); err != nil {
		return Person{}, err
	}
	s.loc, s.key = &next, key
	var out change.Record
	_, err := s.st.Update(ctx, p.Name, func(tx *store.Tx) error {
		r, err := tx.Get(Kind, next.Person)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		old := FromRecord(r)
		ops := change.Ops{}
		ops.PutIfChanged(r, fName, old.Name, p.Name)
		ops.PutIfChanged(r, fRole, string(old.Role), string(p.Role))
		ops.PutIfChanged(r, fTechnician, old.TechnicianID, p.TechnicianID)
		ops.PutIfChanged(r, fRecipient, old.Recipient, key.Recipient().String())
		if _, ok := r.Fields[fTechnician]; !ok && p.TechnicianID == "" {
			ops.Put(r, fTechnician, "")
		}
		list, err := ops.List()
		if err != nil || len(list) == 0 {
			out = r
			return err
		}
		out, err = tx.Write(Kind, next.Person, list)
		return err
	})
	if err != nil {
		return Person{}, fmt.Errorf("set up person: %w", err)
	}
	return FromRecord(out), nil
}

// Get returns one person.
func (s *Service) Get(id string) (Person, error) {
	r, err := record.Live(s.st, Kind, id, ErrNotFound)
	if err != nil {
		return Person{}, err
	}
	return FromRecord(r), nil
}

// People lists the team's people by name.
func (s *Service) People() ([]Person, error) {
	var out []Person
	err := s.st.Scan(Kind, func(r change.Record) error {
		if !r.Deleted() {
			out = append(out, FromRecord(r))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	slices.SortFunc(out, func(a, b Person) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// ForTechnician returns the people who are the technician profile techID and have a key.
func (s *Service) ForTechnician(techID string) ([]Person, error) {
	all, err := s.People()
	if err != nil {
		return nil, err
	}
	var out []Person
	for _, p := range all {
		if techID != "" && p.TechnicianID == techID && p.Recipient != "" {
			out = append(out, p)
		}
	}
	return out, nil
}
