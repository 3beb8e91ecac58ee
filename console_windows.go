package main

import (
	"os"
	"syscall"
)

// attachConsole gives a command run from a terminal (outpost.exe version, serve, backup, ...) its output:
// the Windows build is a GUI program, started without a console, so it borrows the console of the
// shell that started it. Output redirected to a file or pipe already has its handles and is left alone.
// The window (no arguments) never gets a console.
func attachConsole(args []string) {
	if len(args) == 0 || (!missing(os.Stdout) && !missing(os.Stderr)) {
		return
	}
	const attachParentProcess = ^uintptr(0)
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if missing(os.Stdout) {
			os.Stdout = out
		}
		if missing(os.Stderr) {
			os.Stderr = out
		}
	}
}

// missing reports a standard handle a GUI program was started without (Go keeps it as handle 0).
func missing(f *os.File) bool {
	return f == nil || f.Fd() == 0 || syscall.Handle(f.Fd()) == syscall.InvalidHandle
}
