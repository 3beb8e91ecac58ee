// Package peer runs real `outpost serve` processes for the chaos runs and the
// benchmarks: each with its own data directory and ports, formed into one team,
// called over the documented HTTP API, killed, frozen and restarted.
package peer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"outpost/app/apptest"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Peer is one real `outpost serve` process with its own data directory and ports.
type Peer struct {
	Name   string
	bin    string
	Dir    string
	http   int
	gossip int
	token  string
	cmd    *exec.Cmd
	log    *os.File
	client *http.Client
	Extra  []string // more flags for serve
	Env    []string // more environment of every command it runs (GOMAXPROCS, profiles)

	// Bind is the loopback address its gossip binds (default 127.0.0.1); Advertise,
	// when set, is the address it tells peers to use instead (a proxy in front of it).
	Bind, Advertise string
}

var linkPattern = regexp.MustCompile(`http://\S+\?token=(\w+)`)

// New prepares a peer named name under root; Start runs it.
func New(bin, root, name string) (*Peer, error) {
	h, err := freePort()
	if err != nil {
		return nil, err
	}
	g, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Peer{Name: name, bin: bin, Dir: dir, http: h, gossip: g, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (p *Peer) gossipFlags() []string {
	flags := []string{"--data", p.Dir, "--name", p.Name, "--gossip-bind", p.bindIP(), "--gossip-port", fmt.Sprint(p.gossip),
		"--gossip-preset", "local", "--no-mdns"}
	if p.Advertise != "" {
		flags = append(flags, "--gossip-advertise", p.Advertise)
	}
	return flags
}

func (p *Peer) bindIP() string {
	if p.Bind == "" {
		return "127.0.0.1"
	}
	return p.Bind
}

// CLI runs a one-shot command (team create, invite, join) on the peer's data directory.
func (p *Peer) CLI(args ...string) (string, error) {
	cmd := exec.Command(p.bin, append(args, p.gossipFlags()...)...)
	cmd.Env = append(os.Environ(), p.Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("outpost %s: %v: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out)), nil
}

// Start runs `outpost serve` and waits for its printed link.
func (p *Peer) Start() error {
	logf, err := os.OpenFile(filepath.Join(filepath.Dir(p.Dir), p.Name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	args := append([]string{"serve", "--listen", fmt.Sprintf("127.0.0.1:%d", p.http)}, p.gossipFlags()...)
	args = append(args, p.Extra...)
	cmd := exec.Command(p.bin, args...)
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	p.cmd, p.log = cmd, logf
	link := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := linkPattern.FindStringSubmatch(sc.Text()); m != nil {
				link <- m[1]
			}
		}
	}()
	select {
	case tok := <-link:
		p.token = tok
		return nil
	case <-time.After(60 * time.Second):
		p.Kill()
		return fmt.Errorf("%s printed no link in 60 s (log: %s.log)", p.Name, p.Name)
	}
}

// Kill ends the process with SIGKILL, as a crash or a pulled plug would.
func (p *Peer) Kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.log.Close()
	p.cmd = nil
}

// Stop ends the process cleanly.
func (p *Peer) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.log.Close()
	p.cmd = nil
}

// Signal sends s to the process.
func (p *Peer) Signal(s syscall.Signal) {
	if p.cmd != nil {
		_ = p.cmd.Process.Signal(s)
	}
}

// Call invokes Service/Method over the documented HTTP API.
func (p *Peer) Call(ctx context.Context, method string, out any, args ...any) error {
	body, err := json.Marshal(args)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("http://127.0.0.1:%d/api/%s", p.http, method), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d %s", method, resp.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// Running reports whether the process is up.
func (p *Peer) Running() bool { return p.cmd != nil }

// PID is the running process's ID, 0 when it is not running.
func (p *Peer) PID() int {
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func freePort() (int, error) { return apptest.FreeLoopbackPort() }

// Team creates a team on the first peer, joins the others with its invite and starts all.
func Team(bin, root string, n int, extra ...string) ([]*Peer, error) {
	var peers []*Peer
	for i := range n {
		p, err := New(bin, root, fmt.Sprintf("peer-%d", i+1))
		if err != nil {
			return nil, err
		}
		p.Extra = extra
		peers = append(peers, p)
	}
	return peers, Form(peers)
}

// Form makes prepared peers one team (created on the first, the others joined with
// its invite) and starts them all.
func Form(peers []*Peer) error {
	if _, err := peers[0].CLI("team", "create", "Chaos"); err != nil {
		return err
	}
	code, err := peers[0].CLI("team", "invite")
	if err != nil {
		return err
	}
	for _, p := range peers[1:] {
		if _, err := p.CLI("team", "join", code); err != nil {
			return err
		}
	}
	for _, p := range peers {
		if err := p.Start(); err != nil {
			return err
		}
	}
	return nil
}

// GossipAddr is the loopback address the peer's gossip listens on.
func (p *Peer) GossipAddr() string { return net.JoinHostPort(p.bindIP(), fmt.Sprint(p.gossip)) }

// GossipPort is the port the peer's gossip listens on.
func (p *Peer) GossipPort() int { return p.gossip }
