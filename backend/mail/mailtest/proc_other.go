//go:build !linux

package mailtest

import (
	"os"
	"os/exec"
	"syscall"
)

func childAttr() *syscall.SysProcAttr { return nil }

func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
		return
	}
	_ = cmd.Process.Signal(os.Interrupt)
}

func waitGroupGone(*exec.Cmd) {}
