//go:build windows

package media

import (
	"os/exec"
	"syscall"
)

// procAttr keeps a console window from flashing up for each ffmpeg run of
// the GUI build.
func procAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: 0x08000000} // CREATE_NO_WINDOW
}
