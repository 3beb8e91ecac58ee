package discovery

import (
	"encoding/binary"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/mdns"
)

// FuzzPeerAddr feeds PeerAddr the parts of an mDNS answer that anyone on the LAN can send:
// the instance name, the TXT fields (split at NUL bytes), the A record and the port. An
// answer it accepts must name this team's service and another device than this one, and
// give a host:port that parses back to the answer's address and port.
func FuzzPeerAddr(f *testing.F) {
	svc := ServiceName("team-1")
	f.Add("dev2."+svc+".local.", "v=1\x00device=dev2", uint32(0xc0000207), 7481, "me")
	f.Add("me."+svc+".local.", "device=me", uint32(0xc0000207), 7481, "me")
	f.Add(`m\e.`+svc+".local", "", uint32(0x0a000001), 65535, "me")
	f.Add("dev2."+ServiceName("team-2")+".local.", "device=dev3", uint32(0x7f000001), 0, "dev1")
	f.Add("printer._ipp._tcp.local.", "", uint32(0), 631, "me")
	f.Fuzz(func(t *testing.T, name, txt string, ip uint32, port int, self string) {
		addr := make(net.IP, 4)
		binary.BigEndian.PutUint32(addr, ip)
		e := &mdns.ServiceEntry{Name: name, AddrV4: addr, Port: port, InfoFields: strings.Split(txt, "\x00")}
		got, ok := PeerAddr(e, svc, self)
		if !ok {
			if got != "" {
				t.Fatalf("a refused answer gave address %q", got)
			}
			return
		}
		host, p, err := net.SplitHostPort(got)
		if err != nil || host != addr.String() || p != strconv.Itoa(port) || port < 1 || port > 65535 {
			t.Fatalf("PeerAddr(%q, %s, %d) = %q (%v)", name, addr, port, got, err)
		}
		instance, rest, _ := strings.Cut(strings.TrimSuffix(name, "."), ".")
		instance = strings.ReplaceAll(instance, `\`, "")
		if rest != svc+".local" || instance == "" || instance == self {
			t.Fatalf("accepted %q for device %q of service %s", name, self, svc)
		}
		if d := lastDevice(e.InfoFields); d != "" && d != instance {
			t.Fatalf("accepted %q whose TXT names device %q", name, d)
		}
	})
}

func lastDevice(fields []string) string {
	d := ""
	for _, f := range fields {
		if v, ok := strings.CutPrefix(f, "device="); ok {
			d = v
		}
	}
	return d
}
