// Package lantest builds a small local network for tests that need what
// loopback cannot give, such as multicast for mDNS: two hosts, each a Linux
// network namespace with one interface, joined by a veth pair. A test runs
// programs on a host with Host.Command. It needs root and iproute2; without
// them the test is skipped and says why.
package lantest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Host is one machine of the network.
type Host struct {
	NS string // network namespace name
	IP string // its IPv4 address on the link
}

// Command runs name with args inside the host's network namespace.
func (h Host) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", h.NS, name}, args...)...)
}

// Pair creates two hosts on one link (10.213.0.1 and 10.213.0.2, /24, with a
// multicast route) and removes them when the test ends.
func Pair(t testing.TB) [2]Host {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("lantest: network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("lantest: no ip command (Debian package iproute2)")
	}
	tag := fmt.Sprintf("%d", os.Getpid()%1_000_000)
	hosts := [2]Host{{NS: "outpost-lan-a" + tag, IP: "10.213.0.1"}, {NS: "outpost-lan-b" + tag, IP: "10.213.0.2"}}
	if err := run("netns", "add", hosts[0].NS); err != nil {
		t.Skipf("lantest: cannot create a network namespace here: %v", err)
	}
	t.Cleanup(func() { _ = run("netns", "del", hosts[0].NS) })
	must(t, "netns", "add", hosts[1].NS)
	t.Cleanup(func() { _ = run("netns", "del", hosts[1].NS) }) // deleting a namespace removes its end of the link
	va, vb := "olA"+tag, "olB"+tag
	must(t, "link", "add", va, "type", "veth", "peer", "name", vb)
	for i, v := range []string{va, vb} {
		h := hosts[i]
		must(t, "link", "set", v, "netns", h.NS)
		must(t, "-n", h.NS, "link", "set", v, "name", "eth0")
		must(t, "-n", h.NS, "addr", "add", h.IP+"/24", "dev", "eth0")
		must(t, "-n", h.NS, "link", "set", "eth0", "up", "multicast", "on")
		must(t, "-n", h.NS, "link", "set", "lo", "up")
		must(t, "-n", h.NS, "route", "add", "224.0.0.0/4", "dev", "eth0")
	}
	return hosts
}

func must(t testing.TB, args ...string) {
	t.Helper()
	if err := run(args...); err != nil {
		t.Fatalf("lantest: %v", err)
	}
}

func run(args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Proc is a program running on a host: its standard output, line by line, and a
// standard input it waits on (closed when the test ends).
type Proc struct {
	Lines <-chan string
}

// Start runs the test binary itself on the host with env added, running only the
// test named run (a helper that reads OUTPOST_* variables), and stops it when the
// test ends by closing its standard input.
func (h Host) Start(ctx context.Context, t testing.TB, run string, env ...string) Proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := h.Command(ctx, exe, "-test.run", "^"+run+"$")
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return Proc{Lines: lines}
}

// Expect returns the first line starting with prefix; a line reporting a failure, or
// the end of the output, fails the test.
func (p Proc) Expect(t testing.TB, prefix string) string {
	t.Helper()
	for l := range p.Lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
		if strings.Contains(l, "FAIL") || strings.Contains(l, "panic") {
			t.Fatalf("helper: %s", l)
		}
	}
	t.Fatalf("helper ended without a line starting %q", prefix)
	return ""
}
