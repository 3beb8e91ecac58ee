package discovery

import (
	"net"
	"strings"
	"testing"

	"github.com/hashicorp/mdns"
)

func TestServiceNameHidesTeam(t *testing.T) {
	t.Parallel()
	a, b := ServiceName("team-aaaa"), ServiceName("team-bbbb")
	if a == b {
		t.Fatal("two teams share a service name")
	}
	if a != ServiceName("team-aaaa") {
		t.Fatal("service name is not stable")
	}
	if strings.Contains(a, "aaaa") || !strings.HasPrefix(a, "_outpost-") || !strings.HasSuffix(a, "._tcp") {
		t.Fatalf("service name %q", a)
	}
}

func TestPeerAddr(t *testing.T) {
	t.Parallel()
	svc := ServiceName("team-1")
	entry := func(name string, ip net.IP, port int, txt ...string) *mdns.ServiceEntry {
		return &mdns.ServiceEntry{Name: name, AddrV4: ip, Port: port, InfoFields: txt}
	}
	ip := net.IPv4(192, 0, 2, 7)
	tests := []struct {
		name string
		e    *mdns.ServiceEntry
		want string
	}{
		{"a peer", entry("dev2."+svc+".local.", ip, 7481, "v=1", "device=dev2"), "192.0.2.7:7481"},
		{"no txt", entry("dev2."+svc+".local.", ip, 7482), "192.0.2.7:7482"},
		{"this device", entry("me."+svc+".local.", ip, 7481, "device=me"), ""},
		{"another team", entry("dev2."+ServiceName("team-2")+".local.", ip, 7481), ""},
		{"other service", entry("printer._ipp._tcp.local.", ip, 631), ""},
		{"no address", entry("dev2."+svc+".local.", nil, 7481), ""},
		{"no port", entry("dev2."+svc+".local.", ip, 0), ""},
		{"txt names another device", entry("dev2."+svc+".local.", ip, 7481, "device=dev3"), ""},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := PeerAddr(tt.e, svc, "me")
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("PeerAddr = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}
