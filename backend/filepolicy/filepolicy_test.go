package filepolicy

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestDefaultsUntilSaved(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	got, err := Get(st)
	if err != nil || got != Defaults {
		t.Fatalf("Get = %+v, %v; want the defaults", got, err)
	}
	if Defaults.MaxFile() != 200<<20 || Defaults.Eager() != 25<<20 || Defaults.Quota() != 10<<30 || Defaults.StripLocation {
		t.Fatalf("defaults = %+v", Defaults)
	}
	want := Settings{MaxFileMB: 500, EagerMB: 50, QuotaMB: 2048, StripLocation: true}
	if _, err := Save(context.Background(), st, "ana", want); err != nil {
		t.Fatal(err)
	}
	if got, _ := Get(st); got != want {
		t.Fatalf("after saving, Get = %+v, want %+v", got, want)
	}
}

func TestSaveRefusesSettingsThatDoNotFit(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	for _, c := range []struct {
		name  string
		s     Settings
		field string
	}{
		{"no files", Settings{MaxFileMB: 0, EagerMB: 0, QuotaMB: 1000}, "maxFileMB"},
		{"past what a manifest covers", Settings{MaxFileMB: MaxFileLimitMB + 1, QuotaMB: MaxQuotaMB}, "maxFileMB"},
		{"eager past the limit", Settings{MaxFileMB: 100, EagerMB: 101, QuotaMB: 1000}, "eagerMB"},
		{"negative eager", Settings{MaxFileMB: 100, EagerMB: -1, QuotaMB: 1000}, "eagerMB"},
		{"tiny quota", Settings{MaxFileMB: 10, EagerMB: 1, QuotaMB: 99}, "quotaMB"},
		{"quota under one file", Settings{MaxFileMB: 4000, EagerMB: 1, QuotaMB: 3000}, "quotaMB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Save(context.Background(), st, "ana", c.s)
			fe, ok := field.As(err)
			if !ok || fe.Field != c.field {
				t.Fatalf("Save(%+v) = %v; want an error on %s", c.s, err, c.field)
			}
		})
	}
	if got, _ := Get(st); got != Defaults {
		t.Fatalf("a refused save changed the settings: %+v", got)
	}
}
