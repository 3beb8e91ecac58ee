// Package window opens Outpost's desktop window (Wails): the bound services, the window's
// events and file dialogs, and OS notifications of SLA warnings.
package window

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"outpost/app"
	"outpost/app/httpapi"
	"slices"

	"github.com/gen2brain/beeep"
	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Desktop opens the Wails window on a and blocks until it is closed.
func Desktop(a *app.App, assets fs.FS) error {
	a.SetNotifier(desktopNotify)
	picker := &dialogs{}
	a.SetFilePicker(picker)
	return wails.Run(&options.App{
		Title:            "Outpost",
		Width:            1280,
		Height:           800,
		MinWidth:         900,
		MinHeight:        600,
		AssetServer:      &assetserver.Options{Assets: assets, Handler: httpapi.WindowHandler(a)},
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 255},
		OnStartup:        func(ctx context.Context) { picker.ctx = ctx; forwardEvents(ctx, a) },
		ErrorFormatter:   windowError,
		Bind:             slices.Collect(maps.Values(a.Bound())), // the window calls them by type name, as the HTTP API does
	})
}

// forwardEvents relays app events to the window. Wails calls it once the window
// exists; it returns at once and forwards on its own goroutine.
func forwardEvents(ctx context.Context, a *app.App) {
	events, stop := a.Listen(1024)
	go func() {
		defer stop()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-events:
				if !ok {
					return
				}
				runtime.EventsEmit(ctx, m.Name, m.Data)
			}
		}
	}()
}

// dialogs are the window's native file dialogs. The save dialog asks before it replaces a
// file (GTK's overwrite confirmation, the Windows and macOS save panels'). Bound methods
// call them on the binding's goroutine; Wails runs the dialog on the UI thread.
type dialogs struct{ ctx context.Context }

func (d *dialogs) filters(p app.FilePrompt) []runtime.FileFilter {
	if p.Pattern == "" {
		return nil
	}
	return []runtime.FileFilter{{DisplayName: p.PatternName + " (" + p.Pattern + ")", Pattern: p.Pattern}}
}

func (d *dialogs) SaveFile(p app.FilePrompt) (string, error) {
	return runtime.SaveFileDialog(d.ctx, runtime.SaveDialogOptions{Title: p.Title, DefaultFilename: p.DefaultName,
		DefaultDirectory: homeDir(), Filters: d.filters(p), CanCreateDirectories: true})
}

func (d *dialogs) OpenFile(p app.FilePrompt) (string, error) {
	return runtime.OpenFileDialog(d.ctx, runtime.OpenDialogOptions{Title: p.Title, DefaultDirectory: homeDir(), Filters: d.filters(p)})
}

// windowError is how a bound method's error reaches the window: ErrorBody as JSON text.
// Wails' runtime rejects the call with new Error(formatted), which keeps a string intact
// but turns an object into "[object Object]".
func windowError(err error) any {
	b, jerr := json.Marshal(app.ErrorBody(err))
	if jerr != nil {
		return err.Error()
	}
	return string(b)
}

// homeDir is where the dialogs open: the person's home folder ("" lets the system choose).
func homeDir() string {
	h, _ := os.UserHomeDir()
	return h
}

// desktopNotify shows an OS notification (freedesktop D-Bus, macOS, Windows toast) via beeep.
func desktopNotify(title, message string) error {
	return beeep.Notify(title, message, "")
}
