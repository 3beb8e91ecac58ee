package httpapi

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"outpost/app"
	"outpost/backend/core/field"
)

// openApp opens an app on a test's temporary directory, with sync off and a quiet log.
func openApp(t testing.TB) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), DeviceName: "desk-1", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

const testToken = "0123456789abcdef0123456789abcdef"

func isField(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func deviceID(t *testing.T, a *app.App) string {
	t.Helper()
	info, err := a.System.Info()
	if err != nil {
		t.Fatal(err)
	}
	return info.DeviceID
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func must(b []byte, err error) string {
	if err != nil {
		panic(err)
	}
	return string(b)
}
