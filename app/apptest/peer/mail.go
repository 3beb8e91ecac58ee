package peer

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"outpost/backend/mail/mailtest"
)

// ReadyDevices waits until p knows want devices ready to handle mail (their keys
// published) and returns their IDs by name.
func ReadyDevices(p *Peer, want int, within time.Duration) (map[string]string, error) {
	ids := map[string]string{}
	for deadline := time.Now().Add(within); len(ids) < want; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s sees %d devices ready for mail after %v, want %d", p.Name, len(ids), within, want)
		}
		var devs []struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Ready bool   `json:"ready"`
		}
		if p.Call(context.Background(), "MailService/Devices", &devs) != nil {
			continue
		}
		for _, d := range devs {
			if d.Ready {
				ids[d.Name] = d.ID
			}
		}
	}
	return ids, nil
}

// SaveMailbox sets up srv's team mailbox through p's API (IMAP over STARTTLS, SMTP
// without TLS), handled by the devices named, with extra settings on top.
func SaveMailbox(p *Peer, srv *mailtest.Server, handlers []string, extra map[string]any) error {
	team := srv.Team()
	settings := map[string]any{"name": "IT help", "address": srv.Address(team.Name), "tag": "HELP",
		"imap": mailServer(srv.IMAPAddr, "starttls"), "smtp": mailServer(srv.SMTPAddr, "none"), "handlers": handlers}
	for k, v := range extra {
		settings[k] = v
	}
	creds := map[string]string{"imapUser": team.Name, "imapPassword": team.Password}
	return p.Call(context.Background(), "MailService/SaveMailbox", nil, "", settings, creds)
}

func mailServer(addr, security string) map[string]any {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return map[string]any{"host": host, "port": p, "security": security}
}
