package mailtest

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
)

// Login returns an IMAP client on the plain port, logged in as user and logged out when the
// test ends.
func (s *Server) Login(t testing.TB, user string) *client.Client {
	t.Helper()
	c, err := s.login(user)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { _ = c.Logout() })
	return c
}

func (s *Server) login(name string) (*client.Client, error) {
	u, ok := s.user(name)
	if !ok {
		return nil, fmt.Errorf("imap login %q: %w", name, errNoSuchUser)
	}
	c, err := client.Dial(s.IMAPAddr)
	if err != nil {
		return nil, fmt.Errorf("imap dial: %w", err)
	}
	if err := c.Login(u.Name, u.Password); err != nil {
		_ = c.Logout()
		return nil, fmt.Errorf("imap login %q: %w", name, err)
	}
	return c, nil
}

// Count is the number of messages in a user's folder, asked over IMAP.
func (s *Server) Count(t testing.TB, user, folder string) int {
	t.Helper()
	n, err := s.count(user, folder)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	return n
}

func (s *Server) count(user, folder string) (int, error) {
	c, err := s.login(user)
	if err != nil {
		return 0, err
	}
	defer c.Logout()
	st, err := c.Status(folder, []imap.StatusItem{imap.StatusMessages})
	if err != nil {
		return 0, fmt.Errorf("imap status %s: %w", folder, err)
	}
	return int(st.Messages), nil
}

// WaitCount waits until a user's folder holds at least n messages and fails the test after
// timeout; it returns the count.
func (s *Server) WaitCount(t testing.TB, user, folder string, n int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := s.count(user, folder)
		if err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		if got >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: %s/%s holds %d messages after %v, want %d", user, folder, got, timeout, n)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Fetch returns every message in a user's folder, whole (BODY.PEEK[], so nothing is marked
// seen), in sequence order.
func (s *Server) Fetch(t testing.TB, user, folder string) [][]byte {
	t.Helper()
	msgs, err := s.fetch(user, folder)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	return msgs
}

func (s *Server) fetch(user, folder string) ([][]byte, error) {
	c, err := s.login(user)
	if err != nil {
		return nil, err
	}
	defer c.Logout()
	mbox, err := c.Select(folder, true)
	if err != nil {
		return nil, fmt.Errorf("imap select %s: %w", folder, err)
	}
	if mbox.Messages == 0 {
		return nil, nil
	}
	section := &imap.BodySectionName{Peek: true}
	seq := new(imap.SeqSet)
	seq.AddRange(1, mbox.Messages)
	ch := make(chan *imap.Message, 16)
	done := make(chan error, 1)
	go func() { done <- c.Fetch(seq, []imap.FetchItem{section.FetchItem()}, ch) }()
	out := make([][]byte, mbox.Messages)
	var readErr error
	for m := range ch {
		body := m.GetBody(section)
		if body == nil || m.SeqNum < 1 || m.SeqNum > mbox.Messages {
			continue
		}
		b, err := io.ReadAll(body)
		if err != nil && readErr == nil {
			readErr = err
		}
		out[m.SeqNum-1] = b
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("imap fetch %s: %w", folder, err)
	}
	if readErr != nil {
		return nil, fmt.Errorf("imap fetch %s: read body: %w", folder, readErr)
	}
	return out, nil
}

// CountFolder is Count without a test: how many messages a user's folder holds.
func (s *Server) CountFolder(user, folder string) (int, error) { return s.count(user, folder) }
