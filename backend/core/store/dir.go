package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDir returns the default data directory: $OUTPOST_DATA_DIR, else the
// per-user place for application data on this system:
//
//	Linux    $XDG_DATA_HOME/outpost, else ~/.local/share/outpost
//	Windows  %LOCALAPPDATA%\Outpost (not the roaming profile: a replica is large and kept open)
//	macOS    ~/Library/Application Support/Outpost
func DefaultDir() (string, error) {
	return defaultDir(runtime.GOOS, os.Getenv)
}

func defaultDir(goos string, getenv func(string) string) (string, error) {
	if d := getenv("OUTPOST_DATA_DIR"); d != "" {
		return d, nil
	}
	switch goos {
	case "windows":
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "Outpost"), nil
		}
		if home := getenv("USERPROFILE"); home != "" {
			return filepath.Join(home, "AppData", "Local", "Outpost"), nil
		}
		return "", errors.New("find the data directory: neither %LOCALAPPDATA% nor %USERPROFILE% is set; use --data DIR")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, "Library", "Application Support", "Outpost"), nil
		}
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "outpost"), nil
		}
		if home := getenv("HOME"); home != "" {
			return filepath.Join(home, ".local", "share", "outpost"), nil
		}
	}
	return "", errors.New("find the data directory: $HOME is not set; use --data DIR")
}
