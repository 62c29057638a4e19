//go:build linux

package media

import (
	"os/exec"
	"syscall"
)

// procAttr makes the kernel kill ffmpeg when Replay Rescue dies, even by
// kill -9 or a crash, so no orphaned render keeps writing. (Pdeathsig fires
// when the forking OS thread ends; the Go runtime keeps its threads unless a
// goroutine exits while locked to one, which ours never do around a render.)
func procAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// started: nothing more to do once ffmpeg runs (see proc_windows.go).
func started(*exec.Cmd) {}
