package main

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
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// proc is one real `outpost serve` process on loopback with its own data directory
// and ports, driven from outside as a user would (CLI, HTTP API).
type proc struct {
	name, bin, dir string
	http, gossip   int
	token          string
	env            []string // extra environment of serve (profiles)
	cmd            *exec.Cmd
	log            *os.File
	client         *http.Client
}

var linkPattern = regexp.MustCompile(`http://\S+\?token=(\w+)`)

func newPeer(bin, dir, name string) (*proc, error) {
	h, err := freePort()
	if err != nil {
		return nil, err
	}
	g, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &proc{name: name, bin: bin, dir: dir, http: h, gossip: g, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (p *proc) flags() []string {
	return []string{"--data", p.dir, "--name", p.name, "--gossip-bind", "127.0.0.1", "--gossip-port", fmt.Sprint(p.gossip),
		"--gossip-preset", "local", "--no-mdns"}
}

// cli runs a one-shot command on the peer's data directory and returns its output.
func (p *proc) cli(env []string, args ...string) (string, error) {
	cmd := exec.Command(p.bin, append(args, p.flags()...)...)
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=2"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("outpost %s: %v: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out)), nil
}

// start runs `outpost serve` on two cores and waits for its printed link.
func (p *proc) start() error {
	logf, err := os.OpenFile(filepath.Join(filepath.Dir(p.dir), p.name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.bin, append([]string{"serve", "--listen", fmt.Sprintf("127.0.0.1:%d", p.http)}, p.flags()...)...)
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=2"), p.env...)
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
		p.kill()
		return fmt.Errorf("%s printed no link in 60 s (log: %s)", p.name, logf.Name())
	}
}

// kill ends the process with SIGKILL.
func (p *proc) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.log.Close()
	p.cmd = nil
}

// stop ends the process cleanly (its profiles are written on the way out).
func (p *proc) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.log.Close()
	p.cmd = nil
}

// call invokes Service/Method over the documented HTTP API.
func (p *proc) call(ctx context.Context, method string, out any, args ...any) error {
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

func freePort() (int, error) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := ln.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		ln.Close()
		if err == nil {
			u.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no port free for TCP and UDP")
}
