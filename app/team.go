package app

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync"

	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/team"
)

// SyncConfig says where this device gossips with its team.
type SyncConfig struct {
	BindAddr      string // default 0.0.0.0
	Port          int    // default gossip.DefaultPort
	AdvertiseAddr string
	Preset        string // "lan" or "local"
	Off           bool   // do not start replication
}

// syncer owns the running replica, if this device is in a team.
type syncer struct {
	mu  sync.Mutex
	rep *replica.Replica
	tm  team.Team
}

// startSync starts replication if this device is in a team. Not being in a team is not an error.
func (a *App) startSync() error {
	if a.cfg.Sync.Off {
		return nil
	}
	tm, err := team.Load(a.cfg.DataDir)
	if errors.Is(err, team.ErrNoTeam) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.runReplica(tm)
}

func (a *App) runReplica(tm team.Team) error {
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	if a.sync.rep != nil {
		_ = a.sync.rep.Stop()
		a.sync.rep = nil
	}
	port := a.cfg.Sync.Port
	if port == 0 {
		port = gossip.DefaultPort
	}
	rep, err := replica.Start(a.ctx, replica.Config{
		Store: a.st, Team: tm, Logger: a.log,
		Gossip: gossip.Options{
			BindAddr: a.cfg.Sync.BindAddr, BindPort: port, AdvertiseAddr: a.cfg.Sync.AdvertiseAddr,
			Preset: a.cfg.Sync.Preset,
		},
		OnPeerAddr: func(addr string) { a.rememberPeer(addr) },
	})
	if err != nil {
		return fmt.Errorf("start sync: %w", err)
	}
	a.sync.rep, a.sync.tm = rep, tm
	return nil
}

// rememberPeer saves a peer address so a restart can reconnect. It runs on the replica goroutine.
func (a *App) rememberPeer(addr string) {
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	before := len(a.sync.tm.Peers)
	a.sync.tm.AddPeers(addr)
	if len(a.sync.tm.Peers) != before {
		if err := team.Save(a.cfg.DataDir, a.sync.tm); err != nil {
			a.log.Warn("remember peer address", "err", err)
		}
	}
}

func (a *App) stopSync() {
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	if a.sync.rep != nil {
		_ = a.sync.rep.Stop()
		a.sync.rep = nil
	}
}

// TeamService is the team: create, invite, join, leave, and the peers view.
type TeamService struct{ a *App }

// TeamStatus describes this device's team membership.
type TeamStatus struct {
	InTeam  bool                 `json:"inTeam"`
	ID      string               `json:"id"`
	Name    string               `json:"name"`
	Address string               `json:"address"`
	Peers   []replica.PeerStatus `json:"peers"`
	Stats   replica.Stats        `json:"stats"`
}

// Status returns the team and its peers.
func (s *TeamService) Status() (TeamStatus, error) {
	a := s.a
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	tm, err := team.Load(a.cfg.DataDir)
	if errors.Is(err, team.ErrNoTeam) {
		return TeamStatus{Peers: []replica.PeerStatus{}}, nil
	}
	if err != nil {
		return TeamStatus{}, a.userError("team status", err)
	}
	st := TeamStatus{InTeam: true, ID: tm.ID, Name: tm.Name, Peers: []replica.PeerStatus{}}
	if a.sync.rep != nil {
		st.Address = a.sync.rep.Addr()
		st.Peers = a.sync.rep.Peers()
		st.Stats = a.sync.rep.Stats()
	}
	return st, nil
}

// Create makes a new team with this device as its first member and starts syncing.
func (s *TeamService) Create(name string) (TeamStatus, error) {
	if _, err := team.Load(s.a.cfg.DataDir); err == nil {
		return TeamStatus{}, errors.New("this device is already in a team: leave it first")
	}
	tm, err := team.New(name)
	if err != nil {
		return TeamStatus{}, err
	}
	if err := team.Save(s.a.cfg.DataDir, tm); err != nil {
		return TeamStatus{}, s.a.userError("create team", err)
	}
	if err := s.a.runReplica(tm); err != nil {
		return TeamStatus{}, s.a.userError("start sync", err)
	}
	return s.Status()
}

// Invite returns an invite code for a new device: it carries the team key, so share it only with the person joining.
func (s *TeamService) Invite() (string, error) {
	tm, err := team.Load(s.a.cfg.DataDir)
	if err != nil {
		return "", s.a.userError("invite", err)
	}
	return team.Invite(tm, s.a.inviteAddrs())
}

// Join joins the team of an invite code and starts syncing with its peers.
func (s *TeamService) Join(code string) (TeamStatus, error) {
	tm, err := team.ParseInvite(code)
	if err != nil {
		return TeamStatus{}, err
	}
	if cur, err := team.Load(s.a.cfg.DataDir); err == nil && cur.ID != tm.ID {
		return TeamStatus{}, fmt.Errorf("this device is in team %q: leave it before joining %q", cur.Name, tm.Name)
	}
	if err := team.Save(s.a.cfg.DataDir, tm); err != nil {
		return TeamStatus{}, s.a.userError("join team", err)
	}
	if err := s.a.runReplica(tm); err != nil {
		return TeamStatus{}, s.a.userError("start sync", err)
	}
	return s.Status()
}

// Leave stops syncing and forgets the team on this device; the local data stays.
func (s *TeamService) Leave() error {
	s.a.stopSync()
	return s.a.userError("leave team", team.Leave(s.a.cfg.DataDir))
}

// AddPeer contacts a peer at host:port (when mDNS cannot see it) and remembers it.
func (s *TeamService) AddPeer(addr string) (TeamStatus, error) {
	host, port, err := net.SplitHostPort(addr)
	if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
		return TeamStatus{}, fmt.Errorf("address: %q is not host:port", addr)
	}
	s.a.sync.mu.Lock()
	rep := s.a.sync.rep
	s.a.sync.mu.Unlock()
	if rep == nil {
		return TeamStatus{}, team.ErrNoTeam
	}
	if _, err := rep.Join([]string{addr}); err != nil {
		return TeamStatus{}, fmt.Errorf("no Outpost peer of this team answered at %s", addr)
	}
	return s.Status()
}

// inviteAddrs lists addresses a new device may reach this one at: the replica's
// advertised address, then this machine's other addresses.
func (a *App) inviteAddrs() []string {
	port := a.cfg.Sync.Port
	var first string
	a.sync.mu.Lock()
	if a.sync.rep != nil {
		first = a.sync.rep.Addr()
		_, p, _ := net.SplitHostPort(first)
		port, _ = strconv.Atoi(p)
	}
	a.sync.mu.Unlock()
	out := LocalAddrs(a.cfg.Sync.BindAddr, port)
	if first != "" {
		out = append([]string{first}, slices.DeleteFunc(out, func(s string) bool { return s == first })...)
	}
	return out
}

// LocalAddrs lists the addresses peers can reach this device at: the bind address
// if it names one, else this machine's IPv4 addresses (other than loopback and
// link-local), each with the gossip port; at most eight.
func LocalAddrs(bind string, port int) []string {
	if port == 0 {
		port = gossip.DefaultPort
	}
	if bind != "" && bind != "0.0.0.0" && bind != "::" {
		return []string{net.JoinHostPort(bind, strconv.Itoa(port))}
	}
	var out []string
	ifaces, _ := net.InterfaceAddrs()
	for _, ia := range ifaces {
		ipn, ok := ia.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || ipn.IP.To4() == nil {
			continue
		}
		out = append(out, net.JoinHostPort(ipn.IP.String(), strconv.Itoa(port)))
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}
