package app

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"outpost/backend/core/field"
	"outpost/sync/discovery"
	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/team"
	"outpost/sync/transfer"
)

// SyncConfig says where this device gossips with its team.
type SyncConfig struct {
	BindAddr      string // default 0.0.0.0
	Port          int    // default gossip.DefaultPort
	AdvertiseAddr string
	Preset        string // "lan" or "local"
	Off           bool   // do not start replication
	NoDiscovery   bool   // do not advertise or browse for peers by mDNS
}

// EventSyncProgress reports a catch-up from a peer (data: replica.Progress).
const EventSyncProgress = "sync:progress"

// syncer owns the running replica, if this device is in a team.
type syncer struct {
	mu   sync.Mutex // guards rep and disc
	rep  *replica.Replica
	disc *discovery.Discovery
	tr   *transfer.Transfer // attachment bytes between peers

	fileMu sync.Mutex // guards tm and writes of the team file; never held while stopping the replica
	tm     team.Team
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
	a.stopSync()
	a.rejudgeIfOwnerChanged()
	id, err := team.LoadDeviceIdentity(a.cfg.DataDir)
	if err != nil {
		return err
	}
	port := a.cfg.Sync.Port
	if port == 0 {
		port = gossip.DefaultPort
	}
	a.sync.fileMu.Lock()
	a.sync.tm = tm
	a.sync.fileMu.Unlock()
	caught := newCatchUpLog(a.log)
	rep, err := replica.Start(a.ctx, replica.Config{
		Store: a.st, Team: tm, Logger: a.log, Identity: id,
		Gossip: gossip.Options{
			BindAddr: a.cfg.Sync.BindAddr, BindPort: port, AdvertiseAddr: a.cfg.Sync.AdvertiseAddr,
			Preset: a.cfg.Sync.Preset,
		},
		OnPeerAddr: a.rememberPeer,
		OnForget:   a.forgetAgedPeer,
		OnKeys:     a.saveKeys,
		OnProgress: func(p replica.Progress) {
			caught.progress(p)
			a.events.emit(EventSyncProgress, p)
		},
	})
	if err != nil {
		return fmt.Errorf("start sync: %w", err)
	}
	tr, err := transfer.Start(transfer.Config{Net: rep, Blobs: a.blobs, Store: a.st, Logger: a.log,
		Eager:     func() int64 { return a.filePolicy().Eager() },
		OnArrived: a.attachmentArrived})
	if err != nil {
		_ = rep.Stop()
		return fmt.Errorf("start file transfer: %w", err)
	}
	var disc *discovery.Discovery
	if !a.cfg.Sync.NoDiscovery {
		_, p, _ := net.SplitHostPort(rep.Addr())
		gp, _ := strconv.Atoi(p)
		var ips []net.IP // default: this machine's LAN addresses, followed as they change
		if ip := net.ParseIP(a.cfg.Sync.BindAddr); ip != nil && !ip.IsUnspecified() {
			ips = []net.IP{ip}
		}
		disc, err = discovery.Start(a.ctx, discovery.Options{
			TeamID: tm.ID, DeviceID: a.st.Device().ID, Port: gp, IPs: ips, Logger: a.log, OnFound: rep.Discovered,
		})
		if err != nil {
			a.log.Warn("LAN discovery off", "err", err) // invite addresses and added peers still work
		}
	}
	a.sync.mu.Lock()
	a.sync.rep, a.sync.disc, a.sync.tr = rep, disc, tr
	a.sync.mu.Unlock()
	return nil
}

// rememberPeer saves a peer address, and when a member last answered there, so a
// restart can reconnect and an address unanswered for long ages out. It runs on the
// replica goroutine.
func (a *App) rememberPeer(addr string) {
	a.editTeam(func(tm *team.Team) bool {
		tm.SawPeer(addr, time.Now())
		return true
	})
}

// forgetAgedPeer removes from the team file an address the replica stopped trying:
// no member answered there for long. It runs on the replica's reconnect goroutine.
func (a *App) forgetAgedPeer(addr string) {
	a.editTeam(func(tm *team.Team) bool { return tm.RemovePeer(addr) })
}

// saveKeys keeps the team keys a rotation installed, switched or retired. It runs on the replica goroutine.
func (a *App) saveKeys(keys [][]byte) {
	a.editTeam(func(tm *team.Team) bool {
		tm.Keys = keys
		return true
	})
}

func (a *App) editTeam(fn func(*team.Team) bool) {
	a.sync.fileMu.Lock()
	defer a.sync.fileMu.Unlock()
	if a.sync.tm.ID == "" || !fn(&a.sync.tm) {
		return
	}
	if err := team.Save(a.cfg.DataDir, a.sync.tm); err != nil {
		a.log.Warn("save team", "err", err)
	}
}

func (a *App) stopSync() {
	a.sync.mu.Lock()
	rep, disc, tr := a.sync.rep, a.sync.disc, a.sync.tr
	a.sync.rep, a.sync.disc, a.sync.tr = nil, nil, nil
	a.sync.mu.Unlock()
	if disc != nil {
		disc.Stop()
	}
	if tr != nil {
		tr.Stop()
	}
	if rep != nil {
		_ = rep.Stop()
	}
}

func (a *App) replica() *replica.Replica {
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	return a.sync.rep
}

// transfer is the attachment transfer of the running replica, nil when not syncing.
func (a *App) transfer() *transfer.Transfer {
	a.sync.mu.Lock()
	defer a.sync.mu.Unlock()
	return a.sync.tr
}

// TeamService is the team: create, invite, join, leave, rotate the key, remove a device, and the peers view.
type TeamService struct{ a *App }

// TeamStatus describes this device's team membership.
type TeamStatus struct {
	InTeam    bool                 `json:"inTeam"`
	ID        string               `json:"id"`
	Name      string               `json:"name"`
	Address   string               `json:"address"`
	Syncing   bool                 `json:"syncing"`
	Discovery bool                 `json:"discovery"` // LAN discovery by mDNS is on
	Key       replica.KeyState     `json:"key"`
	Known     []string             `json:"known"` // addresses the reconnect loop tries
	Peers     []replica.PeerStatus `json:"peers"`
	Stats     replica.Stats        `json:"stats"`
}

// Status returns the team and its peers.
func (s *TeamService) Status() (TeamStatus, error) {
	a := s.a
	tm, err := team.Load(a.cfg.DataDir)
	if errors.Is(err, team.ErrNoTeam) {
		return TeamStatus{Peers: []replica.PeerStatus{}, Known: []string{}}, nil
	}
	if err != nil {
		return TeamStatus{}, a.userError("team status", err)
	}
	st := TeamStatus{InTeam: true, ID: tm.ID, Name: tm.Name, Peers: []replica.PeerStatus{}, Known: tm.Peers}
	a.sync.mu.Lock()
	rep := a.sync.rep
	st.Discovery = a.sync.disc != nil
	a.sync.mu.Unlock()
	if rep != nil {
		st.Syncing = true
		st.Address = rep.Addr()
		st.Peers = rep.Peers()
		st.Stats = rep.Stats()
		st.Key = rep.KeyState()
		st.Known = rep.Known()
	}
	if st.Known == nil {
		st.Known = []string{}
	}
	return st, nil
}

// Peers lists every device of the team: online or not, last seen, how far behind
// each is, and the progress of a catch-up from it.
func (s *TeamService) Peers() ([]replica.PeerStatus, error) {
	rep := s.a.replica()
	if rep == nil {
		return []replica.PeerStatus{}, nil
	}
	return rep.Peers(), nil
}

// RotateResult says what a key rotation started.
type RotateResult struct {
	// Unreachable names devices the new key could not be sealed to: they will need a new invite.
	Unreachable []string `json:"unreachable"`
	Message     string   `json:"message"`
}

// RotateKey replaces the team key: every device installs the new key, switches to
// it, and drops the old one. A removed device is shut out; a device offline
// through the whole rotation needs a new invite.
func (s *TeamService) RotateKey() (RotateResult, error) {
	rep := s.a.replica()
	if rep == nil {
		return RotateResult{}, team.ErrNoTeam
	}
	missing, err := rep.RotateKey(s.a.ctx, s.a.me())
	if err != nil {
		return RotateResult{}, s.a.userError("rotate key", err)
	}
	res := RotateResult{Unreachable: missing, Message: "The new team key is on its way to every device; " +
		"devices offline until the old key is retired will need a new invite."}
	if missing == nil {
		res.Unreachable = []string{}
	}
	return res, nil
}

// RemoveDevice removes a lost or stolen device: peers reject its later changes
// and send it nothing. Rotate the key afterwards to shut it out of the gossip.
func (s *TeamService) RemoveDevice(deviceID string) error {
	rep := s.a.replica()
	if rep == nil {
		return team.ErrNoTeam
	}
	return s.a.userError("remove device", rep.RemoveDevice(s.a.ctx, s.a.me(), deviceID))
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
	tm.Owner = s.a.st.Device().ID // the creating device is the team's first owner
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
	if err := Joinable(s.a.cfg.DataDir, tm); err != nil {
		return TeamStatus{}, err
	}
	if err := team.Save(s.a.cfg.DataDir, tm); err != nil {
		return TeamStatus{}, s.a.userError("join team", err)
	}
	if err := s.a.runReplica(tm); err != nil {
		return TeamStatus{}, s.a.userError("start sync", err)
	}
	return s.Status()
}

// ErrInTeam refuses a join while this device is in a team, the invite's or another.
var ErrInTeam = errors.New("this device is already in a team")

// Joinable refuses an invite to the team this device is in (joining again would only
// forget the peers it knows) and to another team while it is in one.
func Joinable(dataDir string, invited team.Team) error {
	cur, err := team.Load(dataDir)
	switch {
	case errors.Is(err, team.ErrNoTeam):
		return nil
	case err != nil:
		return fmt.Errorf("read the team file: %w", err)
	case cur.ID == invited.ID:
		return fmt.Errorf("%w: this invite is for %q, the team it is in; nothing to do", ErrInTeam, cur.Name)
	default:
		return fmt.Errorf("%w: it is in %q and this invite is for another team, %q; leave %q first", ErrInTeam, cur.Name, invited.Name, cur.Name)
	}
}

// Leave stops syncing and forgets the team on this device; the local data stays.
func (s *TeamService) Leave() error {
	s.a.stopSync()
	s.a.sync.fileMu.Lock()
	s.a.sync.tm = team.Team{}
	s.a.sync.fileMu.Unlock()
	err := team.Leave(s.a.cfg.DataDir)
	s.a.rejudgeIfOwnerChanged()
	return s.a.userError("leave team", err)
}

// ForgetPeer stops trying a saved peer address (one that belongs to no peer any more, or
// that a misbehaving device announced) and removes it from the team file.
func (s *TeamService) ForgetPeer(addr string) (TeamStatus, error) {
	addr = strings.TrimSpace(addr)
	forgot := false
	if rep := s.a.replica(); rep != nil {
		forgot = rep.Forget(addr)
	}
	s.a.editTeam(func(tm *team.Team) bool {
		removed := tm.RemovePeer(addr)
		forgot = forgot || removed
		return removed
	})
	if !forgot {
		return TeamStatus{}, field.Errorf("address", "%q is not one of the addresses this device tries", addr)
	}
	return s.Status()
}

// AddPeer contacts a peer at host:port (when mDNS cannot see it) and remembers
// it: the reconnect loop keeps trying it, also after a restart.
func (s *TeamService) AddPeer(addr string) (TeamStatus, error) {
	addr = strings.TrimSpace(addr)
	host, port, err := net.SplitHostPort(addr)
	if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
		return TeamStatus{}, field.Errorf("address", "%q is not host:port (for example 192.168.1.20:%d)", addr, gossip.DefaultPort)
	}
	rep := s.a.replica()
	if rep == nil {
		return TeamStatus{}, team.ErrNoTeam
	}
	s.a.rememberPeer(addr)
	if _, err := rep.Join([]string{addr}); err != nil {
		if problem := rep.JoinProblem(); problem != "" {
			return TeamStatus{}, errors.New(problem)
		}
		return TeamStatus{}, field.Errorf("address", "no Outpost peer of this team answered at %s now; Outpost will keep trying it", addr)
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

// documentation reports whether ip is in a range reserved for examples (RFC 5737): no peer
// reaches a device there, so an invite does not offer it.
func documentation(ip net.IP) bool {
	for _, n := range []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"} {
		if _, block, _ := net.ParseCIDR(n); block.Contains(ip) {
			return true
		}
	}
	return false
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
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || ipn.IP.To4() == nil || documentation(ipn.IP) {
			continue
		}
		out = append(out, net.JoinHostPort(ipn.IP.String(), strconv.Itoa(port)))
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}
