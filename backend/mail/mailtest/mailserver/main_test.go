package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/emersion/go-imap/client"
)

func TestAnnouncesDeliversAndStopsWhenStdinCloses(t *testing.T) {
	dir := t.TempDir()
	msg := filepath.Join(dir, "1.eml")
	if err := os.WriteFile(msg, []byte("From: ana@customer.test\r\nTo: help@example.test\r\nSubject: Printer\r\n\r\nIt is down.\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run([]string{"-user", "help:secret", "-deliver", dir}, inR, outW) }()
	out := bufio.NewScanner(outR)
	var ann info
	if !out.Scan() || json.Unmarshal(out.Bytes(), &ann) != nil {
		t.Fatalf("announcement %q: %v", out.Text(), out.Err())
	}
	if ann.Delivers != 1 || ann.Team != "help@example.test" || len(ann.Users) != 1 || ann.Users[0].Password != "secret" {
		t.Errorf("announcement %+v", ann)
	}
	if _, err := io.WriteString(inW, msg+"\n"); err != nil {
		t.Fatal(err)
	}
	var r result
	if !out.Scan() || json.Unmarshal(out.Bytes(), &r) != nil || !r.Delivered {
		t.Fatalf("answer %q", out.Text())
	}
	pem, err := os.ReadFile(ann.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c, err := client.DialTLS(ann.IMAPS, &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatalf("imaps with the announced certificate: %v", err)
	}
	if err := c.Login("help", "secret"); err != nil {
		t.Fatal(err)
	}
	mbox, err := c.Select("INBOX", true)
	if err != nil || mbox.Messages != 2 {
		t.Errorf("INBOX holds %v messages (%v), want 2", mbox, err)
	}
	_ = c.Logout()
	_ = inW.Close()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	if _, err := os.Stat(ann.MailDir); !os.IsNotExist(err) {
		t.Errorf("mail directory left behind: %v", err)
	}
}
