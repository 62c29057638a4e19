//go:build !windows && !linux

package media

import "os/exec"

// procAttr: nothing to set on macOS and the BSDs. A render orphaned by a
// killed parent writes only its own temporary file, which the next render
// of the same output removes.
func procAttr(*exec.Cmd) {}

// started: nothing more to do once ffmpeg runs (see proc_windows.go).
func started(*exec.Cmd) {}
