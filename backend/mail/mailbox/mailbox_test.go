package mailbox

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
)

func device(t *testing.T) (*store.Store, *Service) {
	t.Helper()
	st := storetest.Open(t)
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(st, key)
	if err := s.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st, s
}

func settings(handlers ...string) Settings {
	return Settings{Name: "IT help", Address: "Help@Example.org", Handlers: handlers,
		IMAP: Server{Host: "imap.example.org", Port: 993, Security: TLS}, SMTP: Server{Host: "smtp.example.org", Port: 587, Security: STARTTLS}}
}

const secret = "correct horse battery staple"

// Credentials are sealed to the handler devices: a device that is not one cannot
// open them, and no record on any replica holds the password in the clear.
func TestCredentialsOpenOnlyOnHandlers(t *testing.T) {
	ctx := context.Background()
	stA, a := device(t)
	stB, b := device(t)
	storetest.Sync(t, stA, stB)
	creds := &Credentials{IMAPUser: "help@example.org", IMAPPassword: secret, SMTPUser: "help@example.org", SMTPPassword: secret}
	mb, err := a.Save(ctx, "lead", "", settings(a.Device()), creds)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Address != "help@example.org" || mb.Tag != "MAIL" || mb.Processed != DefaultProcessed {
		t.Fatalf("normalized settings: %+v", mb.Settings)
	}
	storetest.Sync(t, stA, stB)
	if got, err := a.Credentials(mb.ID); err != nil || got.IMAPPassword != secret {
		t.Fatalf("the handler opens %+v, %v", got, err)
	}
	if _, err := b.Credentials(mb.ID); !errors.Is(err, ErrNotHandler) {
		t.Fatalf("a device that is not a handler: %v, want ErrNotHandler", err)
	}
	for _, st := range []*store.Store{stA, stB} {
		assertNoSecret(t, st)
	}
	// Handing the mailbox to B as well: A seals the credentials again without being
	// given them; B can open them once it has the change.
	if _, err := a.Save(ctx, "lead", mb.ID, settings(a.Device(), b.Device()), nil); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, stA, stB)
	if got, err := b.Credentials(mb.ID); err != nil || got.SMTPPassword != secret {
		t.Fatalf("the new handler opens %+v, %v", got, err)
	}
	// B, now the only handler, hands it back to A; A, no longer a reader, cannot
	// reseal for a third device without the passwords.
	if _, err := b.Save(ctx, "lead", mb.ID, settings(b.Device()), nil); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, stA, stB)
	if _, err := a.Save(ctx, "lead", mb.ID, settings(a.Device()), nil); !errors.Is(err, ErrReseal) {
		t.Fatalf("resealing without being a reader: %v, want ErrReseal", err)
	}
}

func assertNoSecret(t *testing.T, st *store.Store) {
	t.Helper()
	for _, kind := range []string{Kind, KindDeviceKey} {
		err := st.Scan(kind, func(r change.Record) error {
			b, err := r.Encode()
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s record %s holds the password in the clear", kind, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestSettingsErrorsNameTheField(t *testing.T) {
	cases := map[string]func(*Settings){
		"address":      func(s *Settings) { s.Address = "not an address" },
		"tag":          func(s *Settings) { s.Tag = "TOO-LONG-TAG" },
		"imapPort":     func(s *Settings) { s.IMAP.Port = 0 },
		"smtpSecurity": func(s *Settings) { s.SMTP.Security = "ssl3" },
		"imapHost":     func(s *Settings) { s.IMAP.Host = "imap.example.org:993" },
		"reopenDays":   func(s *Settings) { s.ReopenDays = 400 },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			s := settings("d1")
			spoil(&s)
			s.Normalize()
			err := s.Validate()
			fe, ok := field.As(err)
			if !ok || fe.Field != name {
				t.Fatalf("error %v, want one naming %s", err, name)
			}
		})
	}
}

func TestUnknownHandlerKeyIsRefusedInWords(t *testing.T) {
	_, a := device(t)
	_, err := a.Save(context.Background(), "lead", "", settings("no-such-device"), &Credentials{IMAPUser: "u", IMAPPassword: "p"})
	if !errors.Is(err, ErrNoKey) {
		t.Fatalf("err %v, want ErrNoKey", err)
	}
}
