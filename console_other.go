//go:build !windows

package main

// attachConsole does nothing outside Windows: programs there always have their terminal.
func attachConsole([]string) {}
