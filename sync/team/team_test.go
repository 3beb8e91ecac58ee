package team

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInviteRoundTrip(t *testing.T) {
	t.Parallel()
	tm, err := New("Helpdesk North")
	if err != nil {
		t.Fatal(err)
	}
	code, err := Invite(tm, []string{"192.0.2.10:7481", "laptop.local:7481"})
	if err != nil {
		t.Fatal(err)
	}
	wrapped := code[:20] + "\n  " + code[20:] // pasted from a chat that wrapped it
	got, err := ParseInvite(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tm.ID || got.Name != tm.Name || string(got.Keys[0]) != string(tm.Keys[0]) || len(got.Peers) != 2 {
		t.Fatalf("parsed %+v", got)
	}
}

// sealed is an invite code around body, with a correct checksum.
func sealed(body string) string {
	sum := sha256.Sum256([]byte(body))
	return invitePrefix + base64.RawURLEncoding.EncodeToString(append([]byte(body), sum[:4]...))
}

func TestParseInviteRejects(t *testing.T) {
	t.Parallel()
	tm, _ := New("x")
	code, _ := Invite(tm, []string{"127.0.0.1:7481"})
	badAddr, _ := Invite(tm, []string{"no-port"})
	flipped := []byte(code)
	flipped[len(flipped)-8] ^= 1
	tests := []struct {
		name, code, want string
	}{
		{"empty", "", "should start with"},
		{"other text", "hello", "should start with"},
		{"truncated", code[:len(code)-10], "damaged"},
		{"one character changed", string(flipped), "damaged"},
		{"not base64", "OUTPOST1-!!!!", "damaged"},
		{"bad address", badAddr, "not host:port"},
		{"huge", "OUTPOST1-" + strings.Repeat("A", MaxInvite), "too long"},
		{"checksummed but not an invite", sealed(`{"id":1,"surprise":true}`), "its contents are not an invite's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseInvite(tt.code)
			if !errors.Is(err, ErrBadInvite) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "json") {
				t.Fatalf("ParseInvite = %v, want ErrBadInvite mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSaveLoadLeave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrNoTeam) {
		t.Fatalf("Load on empty dir = %v", err)
	}
	tm, _ := New("Ops")
	tm.AddPeers("127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:2")
	if err := Save(dir, tm); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, FileName))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("team file mode %v, want 0600", st.Mode().Perm())
	}
	got, err := Load(dir)
	if err != nil || got.ID != tm.ID || len(got.Peers) != 2 {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte("{garbage"), 0o600)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("Load damaged = %v", err)
	}
	if err := Leave(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); !errors.Is(err, ErrNoTeam) {
		t.Fatalf("after Leave: %v", err)
	}
}

// TestPeerSeenTimes: the time a member last answered at an address is kept with it,
// saved and loaded, and dropped with it when it is removed or crowded out.
func TestPeerSeenTimes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm, _ := New("Ops")
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	tm.AddPeers("127.0.0.1:1")
	tm.SawPeer("127.0.0.1:2", at)
	if err := Save(dir, tm); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Seen["127.0.0.1:2"].Equal(at) || len(got.Seen) != 1 || len(got.Peers) != 2 {
		t.Fatalf("loaded peers %v seen %v", got.Peers, got.Seen)
	}
	if !got.RemovePeer("127.0.0.1:2") || len(got.Seen) != 0 {
		t.Fatalf("after RemovePeer: seen %v", got.Seen)
	}
	got.SawPeer("127.0.0.1:3", at)
	for i := range 64 {
		got.AddPeers(fmt.Sprintf("10.0.0.1:%d", i+1))
	}
	if len(got.Peers) != 64 || len(got.Seen) != 0 {
		t.Fatalf("crowded out: %d peers, seen %v", len(got.Peers), got.Seen)
	}
}

func FuzzParseInvite(f *testing.F) {
	tm, _ := New("fuzz")
	code, _ := Invite(tm, []string{"127.0.0.1:7481"})
	f.Add(code)
	f.Add("OUTPOST1-")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseInvite(s)
		if err != nil {
			return
		}
		if got.Validate() != nil {
			t.Fatalf("accepted an invalid team from %q", s)
		}
	})
}
