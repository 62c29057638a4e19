package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"replayrescue/core/job"
	"replayrescue/core/media"
)

// cmdFFmpeg is "replayrescue ffmpeg status|install": which ffmpeg is used
// and whether it will do.
func cmdFFmpeg(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "status" && args[0] != "install") {
		fmt.Fprintln(stderr, `Use "replayrescue ffmpeg status" to see which ffmpeg is used.`)
		return 2
	}
	tools, err := media.Find()
	if args[0] == "install" {
		if err == nil {
			fmt.Fprintf(stdout, "ffmpeg is already there: %s\n", tools.FFmpeg)
			return 0
		}
		fmt.Fprintf(stderr, "This version of Replay Rescue cannot fetch ffmpeg by itself yet: %s\n", media.InstallHint(runtime.GOOS))
		return job.ExitFFmpeg
	}
	if err != nil {
		msg, code := job.Explain(err)
		fmt.Fprintln(stderr, msg)
		return code
	}
	major, minor, line, err := tools.Version(ctx)
	if err != nil {
		msg, code := job.Explain(err)
		fmt.Fprintln(stderr, msg)
		return code
	}
	fmt.Fprintf(stdout, "ffmpeg:  %s\n         %s\nffprobe: %s\n", tools.FFmpeg, line, tools.FFprobe)
	if msg := media.TooOld(major, minor, runtime.GOOS); msg != "" {
		fmt.Fprintln(stderr, msg)
		return job.ExitFFmpeg
	}
	fmt.Fprintln(stdout, "It will do.")
	return 0
}

// checkTools refuses an ffmpeg too old to rely on, before any download.
func checkTools(tools media.Tools) error {
	if msg := media.TooOld(tools.Major, tools.Minor, runtime.GOOS); msg != "" {
		return &job.Error{Code: job.ExitFFmpeg, Msg: msg}
	}
	return nil
}
