package app

import (
	"context"
	"io/fs"
	"maps"
	"slices"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Desktop opens the Wails window on a and blocks until it is closed.
func Desktop(a *App, assets fs.FS) error {
	a.SetNotifier(desktopNotify)
	return wails.Run(&options.App{
		Title:            "Outpost",
		Width:            1280,
		Height:           800,
		MinWidth:         900,
		MinHeight:        600,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 255},
		OnStartup:        a.forwardEvents,
		ErrorFormatter:   ErrorBody,
		Bind:             slices.Collect(maps.Values(a.Bound())), // the window calls them by type name, as the HTTP API does
	})
}

// forwardEvents relays app events to the window. Wails calls it once the window
// exists; it returns at once and forwards on its own goroutine.
func (a *App) forwardEvents(ctx context.Context) {
	events, stop := a.events.Listen(1024)
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
