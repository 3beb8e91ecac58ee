package mailtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"

	"github.com/emersion/go-imap/client"
)

// defaultDovecot is where Debian's dovecot-core puts the server.
const defaultDovecot = "/usr/sbin/dovecot"

// ErrNoDovecot is returned when the dovecot binary is not installed.
var ErrNoDovecot = errors.New("dovecot is not installed (run .ci/setup test, which installs dovecot-imapd)")

// identity is who dovecot's processes run as. Dovecot refuses mail access as root and refuses
// to run its login processes as root, so under root the mail belongs to nobody and the
// internal and login processes use the users Debian's package creates; otherwise every
// process runs as the current user.
type identity struct {
	internalUser, internalGroup, loginUser string
	uid, gid                               int
	chown                                  bool // files the harness writes are chowned to uid:gid
}

func runIdentity() (identity, error) {
	if os.Getuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return identity{}, fmt.Errorf("look up current user: %w", err)
		}
		g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
		if err != nil {
			return identity{}, fmt.Errorf("look up current group: %w", err)
		}
		return identity{u.Username, g.Name, u.Username, os.Getuid(), os.Getgid(), false}, nil
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		return identity{}, fmt.Errorf("look up user nobody: %w", err)
	}
	id := identity{internalUser: "nobody", loginUser: "nobody", chown: true}
	id.uid, _ = strconv.Atoi(nobody.Uid)
	id.gid, _ = strconv.Atoi(nobody.Gid)
	if g, err := user.LookupGroupId(nobody.Gid); err == nil {
		id.internalGroup = g.Name
	}
	if _, err := user.Lookup("dovecot"); err == nil {
		id.internalUser, id.internalGroup = "dovecot", "dovecot"
	}
	if _, err := user.Lookup("dovenull"); err == nil {
		id.loginUser = "dovenull"
	}
	return id, nil
}

// configTemplate is the whole dovecot configuration: nothing is read from /etc/dovecot, every
// socket and state file lives under the server's directory, and the listeners are on loopback.
// The auth penalty and failure delay are off so tests of wrong passwords stay fast.
var configTemplate = template.Must(template.New("dovecot.conf").Parse(`# dovecot configuration of one mailtest server
protocols = imap
listen = 127.0.0.1
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = mailtest
log_path = {{.Dir}}/dovecot.log
default_internal_user = {{.ID.InternalUser}}
default_internal_group = {{.ID.InternalGroup}}
default_login_user = {{.ID.LoginUser}}
first_valid_uid = {{.ID.UID}}
first_valid_gid = {{.ID.GID}}
ssl = yes
ssl_cert = <{{.Dir}}/cert.pem
ssl_key = <{{.Dir}}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{{.Dir}}/mail/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.Dir}}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u {{.Dir}}/users
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    auto = subscribe
    special_use = \Sent
  }
  mailbox Processed {
    auto = subscribe
  }
}
protocol imap {
  mail_max_userip_connections = 200
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = {{.IMAPPort}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.IMAPSPort}}
    ssl = yes
  }
}
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service ipc {
  chroot =
}
service old-stats {
  chroot =
}
`))

// configData is what configTemplate reads; ID's fields are exported for the template.
type configData struct {
	Dir                 string
	IMAPPort, IMAPSPort int
	ID                  struct {
		InternalUser, InternalGroup, LoginUser string
		UID, GID                               int
	}
}

// writeDovecotFiles writes the configuration, the passwd-file and the certificate into dir.
func (s *Server) writeDovecotFiles(imapPort, imapsPort int) (string, error) {
	d := configData{Dir: s.dir, IMAPPort: imapPort, IMAPSPort: imapsPort}
	d.ID.InternalUser, d.ID.InternalGroup, d.ID.LoginUser = s.id.internalUser, s.id.internalGroup, s.id.loginUser
	d.ID.UID, d.ID.GID = s.id.uid, s.id.gid
	var users strings.Builder
	for _, u := range s.Users {
		fmt.Fprintf(&users, "%s:{PLAIN}%s:%d:%d::%s::\n", u.Name, u.Password, s.id.uid, s.id.gid, filepath.Join(s.dir, "mail", u.Name))
	}
	var conf strings.Builder
	if err := configTemplate.Execute(&conf, d); err != nil {
		return "", fmt.Errorf("render dovecot config: %w", err)
	}
	path := filepath.Join(s.dir, "dovecot.conf")
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{path, []byte(conf.String()), 0o644},
		{filepath.Join(s.dir, "users"), []byte(users.String()), 0o644},
		{s.CAFile, s.cert.certPEM, 0o644},
		{filepath.Join(s.dir, "key.pem"), s.cert.keyPEM, 0o600},
	}
	for _, f := range files {
		if err := os.WriteFile(f.name, f.data, f.mode); err != nil {
			return "", fmt.Errorf("write %s: %w", filepath.Base(f.name), err)
		}
	}
	return path, nil
}

// startDovecot runs dovecot in the foreground on two free ports, retrying with new ports when
// another process took one between choosing and binding it.
func (s *Server) startDovecot(binary string) error {
	var lastErr error
	for attempt := 0; attempt < 4; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		conf, err := s.writeDovecotFiles(ports[0], ports[1])
		if err != nil {
			return err
		}
		cmd := exec.Command(binary, "-F", "-c", conf)
		cmd.SysProcAttr = childAttr()
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start dovecot: %w", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		s.IMAPAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
		s.IMAPSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))
		if lastErr = s.waitIMAP(exited, 10*time.Second); lastErr == nil {
			s.dovecot, s.dovecotExited = cmd, exited
			return nil
		}
		stopProcess(cmd, exited)
		if !strings.Contains(s.LogTail(20), "Address already in use") {
			break
		}
	}
	return fmt.Errorf("dovecot did not answer: %w\n%s", lastErr, s.LogTail(20))
}

// waitIMAP waits until the plain listener greets with the server ready (dovecot's first
// greeting may say it is still waiting for its auth process).
func (s *Server) waitIMAP(exited <-chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-exited:
			return errors.New("dovecot exited")
		default:
		}
		c, err := client.Dial(s.IMAPAddr)
		if err == nil {
			_, err = c.Capability()
			_ = c.Logout()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("imap at %s: %w", s.IMAPAddr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stopProcess asks dovecot's processes to stop and kills them after 5 s.
func stopProcess(cmd *exec.Cmd, exited <-chan struct{}) {
	signalGroup(cmd, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		signalGroup(cmd, syscall.SIGKILL)
		<-exited
	}
	waitGroupGone(cmd)
}

// LogTail returns the last n lines of dovecot's log, for failure messages.
func (s *Server) LogTail(n int) string {
	b, err := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
	if err != nil {
		return "(no dovecot log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
