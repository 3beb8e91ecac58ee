package httpapi

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"outpost/app"
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
