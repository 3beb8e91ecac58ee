package mailtest

import (
	"os/exec"
	"syscall"
	"time"
)

// childAttr puts dovecot in a process group of its own, so stopping it reaches all its
// processes at once, and makes the kernel stop it if the test process dies without cleaning up.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// signalGroup sends sig to dovecot and all its processes. Dovecot's master alone takes about
// a second to stop its children; told together they stop in about a tenth of that.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}

// waitGroupGone waits up to 2 s until no process of dovecot's group is left (the master may
// exit a moment before its log process).
func waitGroupGone(cmd *exec.Cmd) {
	for i := 0; i < 100 && syscall.Kill(-cmd.Process.Pid, 0) == nil; i++ {
		time.Sleep(20 * time.Millisecond)
	}
}
