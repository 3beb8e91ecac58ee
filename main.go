// Command outpost is the Outpost desktop app and headless peer.
package main

import (
	"embed"
	"io/fs"
	"os"

	"outpost/app/cli"
	"outpost/app/window"
)

//go:embed all:frontend/dist
var embedded embed.FS

func main() {
	attachConsole(os.Args[1:])
	assets, err := fs.Sub(embedded, "frontend/dist")
	if err != nil {
		panic(err)
	}
	os.Exit(cli.Run(os.Args[1:], assets, window.Desktop))
}
