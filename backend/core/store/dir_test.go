package store

import (
	"path/filepath"
	"testing"
)

func TestDefaultDirPerSystem(t *testing.T) {
	cases := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"HOME": "/home/ana"}, filepath.Join("/home/ana", ".local", "share", "outpost")},
		{"linux", map[string]string{"HOME": "/home/ana", "XDG_DATA_HOME": "/data"}, filepath.Join("/data", "outpost")},
		{"linux", map[string]string{"HOME": "/home/ana", "OUTPOST_DATA_DIR": "/srv/op"}, "/srv/op"},
		{"windows", map[string]string{"USERPROFILE": `C:\Users\ana`, "LOCALAPPDATA": `C:\Users\ana\AppData\Local`,
			"HOME": `C:\Users\ana`}, filepath.Join(`C:\Users\ana\AppData\Local`, "Outpost")},
		{"windows", map[string]string{"USERPROFILE": `C:\Users\ana`}, filepath.Join(`C:\Users\ana`, "AppData", "Local", "Outpost")},
		{"windows", map[string]string{"LOCALAPPDATA": `D:\L`, "XDG_DATA_HOME": "/ignored"}, filepath.Join(`D:\L`, "Outpost")},
		{"darwin", map[string]string{"HOME": "/Users/ana"}, filepath.Join("/Users/ana", "Library", "Application Support", "Outpost")},
	}
	for _, c := range cases {
		got, err := defaultDir(c.goos, func(k string) string { return c.env[k] })
		if err != nil || got != c.want {
			t.Errorf("%s %v: got %q, %v; want %q", c.goos, c.env, got, err, c.want)
		}
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		if d, err := defaultDir(goos, func(string) string { return "" }); err == nil {
			t.Errorf("%s with no environment: got %q, want an error", goos, d)
		}
	}
}
