// Command replayrescue saves the replay of a live-streamed talk as one MP4.
// Without arguments it opens the window; subcommands run headless.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

const usage = `Replay Rescue saves the replay of a live-streamed talk as one MP4.

Usage:
  replayrescue                         open the window
  replayrescue save [flags] SOURCE     download and save a replay without the window
  replayrescue save [flags] SOURCE SOURCE...
                                       several broadcasts of one talk, joined in order
  replayrescue inspect [--json] SOURCE show what a link or file contains; downloads no video
  replayrescue capture [URL]           open your browser (a temporary profile), play the
                                       replay there, and it is found and saved: no HAR file
  replayrescue demo [-o FILE]          save the built-in sample broadcast (works offline)
  replayrescue ffmpeg status           which ffmpeg is used, and whether it will do
  replayrescue ffmpeg install          get ffmpeg: a verified download on Windows,
                                       the one command to run on Linux
  replayrescue --version

SOURCE is a broadcast link, a playlist (.m3u8) link, a HAR file, a text file
holding a "Copy as cURL" command, or - to read one from standard input.
Run "replayrescue save --help" for the save options.
`

func main() {
	if len(os.Args) > 1 {
		attachConsole()
	}
	// Ctrl+C stops the program, except while a live broadcast is being
	// followed: there the first one means "stop following and save what
	// is there", and only a second one stops everything.
	ctx, cancel := context.WithCancel(context.Background())
	lc := &liveControl{stop: make(chan struct{})}
	ctx = context.WithValue(ctx, liveKey{}, lc)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for range sigs {
			if lc.following.CompareAndSwap(true, false) {
				fmt.Fprintln(os.Stderr, "\nStopping here: saving what has arrived (press Ctrl+C again to quit without saving).")
				close(lc.stop)
				continue
			}
			cancel()
			return
		}
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}

// liveControl is how the first Ctrl+C reaches a save following a live
// broadcast (see main).
type liveControl struct {
	stop      chan struct{}
	following atomic.Bool
}

type liveKey struct{}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return openWindow(stderr)
	}
	switch args[0] {
	case "save":
		return cmdSave(ctx, args[1:], stdin, stdout, stderr)
	case "inspect":
		return cmdInspect(ctx, args[1:], stdin, stdout, stderr)
	case "capture":
		return cmdCapture(ctx, args[1:], stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "ffmpeg":
		return cmdFFmpeg(ctx, args[1:], stdout, stderr)
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "Replay Rescue %s\n", versionLine())
		return 0
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "Unknown command %q: run \"replayrescue --help\" to see what it can do.\n", args[0])
	return 2
}
