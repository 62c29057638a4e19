package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"replayrescue/core/web"
)

// FailedError means ffmpeg or ffprobe ran and failed.
type FailedError struct {
	Tool   string
	Action string // what we asked of it, in words
	Detail string // its last meaningful message, redacted
	Err    error
}

func (e *FailedError) Error() string {
	msg := fmt.Sprintf("The video tool %s could not %s", e.Tool, e.Action)
	if e.Detail != "" {
		msg += " (it said: " + e.Detail + ")"
	}
	return msg + "."
}

func (e *FailedError) Unwrap() error { return e.Err }

// tailBuffer keeps the last max bytes written to it: enough of ffmpeg's
// stderr to explain a failure, bounded however chatty it is.
type tailBuffer struct {
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

// lastLine is the last non-empty line, redacted, as ffmpeg's reason.
func (t *tailBuffer) lastLine() string {
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return web.Redact(strings.TrimSuffix(l, "."))
		}
	}
	return ""
}

// command prepares tool with args: killed when ctx ends (and on Linux when
// we die), no console window on Windows.
func command(ctx context.Context, tool string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, tool, args...)
	procAttr(cmd)
	return cmd
}

// start starts cmd from command; on Windows it then joins the job object
// that makes it die with us.
func start(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	started(cmd)
	return nil
}

// run is cmd.Run with start.
func run(cmd *exec.Cmd) error {
	if err := start(cmd); err != nil {
		return err
	}
	return cmd.Wait()
}

func toolName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".exe")
}

// limitWriter fails writes past n bytes, which stops a runaway child.
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		return 0, errors.New("output too large")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}
