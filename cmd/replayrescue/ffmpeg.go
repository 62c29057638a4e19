package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"replayrescue/core/job"
	"replayrescue/core/media"
	"replayrescue/core/toolget"
)

// cmdFFmpeg is "replayrescue ffmpeg status|install": which ffmpeg is used
// and whether it will do; fetch a verified one where the OS allows.
func cmdFFmpeg(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return ffmpegCommand(ctx, args, stdout, stderr, toolget.Options{})
}

// ffmpegCommand is cmdFFmpeg with the download's options, which tests point
// at a loopback server and a table of their own.
func ffmpegCommand(ctx context.Context, args []string, stdout, stderr io.Writer, o toolget.Options) int {
	if len(args) != 1 || (args[0] != "status" && args[0] != "install") {
		fmt.Fprintln(stderr, `Use "replayrescue ffmpeg status" to see which ffmpeg is used, or "replayrescue ffmpeg install" to get one.`)
		return 2
	}
	if args[0] == "install" {
		return ffmpegInstall(ctx, stdout, stderr, o)
	}
	tools, err := findTools(o)
	if tools.FFmpeg != "" {
		_, _, line, verr := tools.Version(ctx)
		if verr != nil && err == nil {
			err = verr
		}
		fmt.Fprintf(stdout, "ffmpeg:  %s\n         %s\nffprobe: %s\nfrom:    %s\n", tools.FFmpeg, line, tools.FFprobe, toolsOrigin(tools, o))
	}
	if err != nil {
		msg, code := job.Explain(err)
		fmt.Fprintln(stderr, msg)
		return code
	}
	fmt.Fprintln(stdout, "It will do.")
	return 0
}

// findTools is media.Find refusing an ffmpeg too old to rely on; its
// sentences end with the way out on this computer, which is "ffmpeg
// install" where a verified download exists. The tools found are returned
// with a too-old error, for status to show.
func findTools(o toolget.Options) (media.Tools, error) {
	tools, err := media.Find()
	if err == nil {
		if msg := media.TooOldWith(tools.Major, tools.Minor, installHint(o)); msg != "" {
			return tools, &job.Error{Code: job.ExitFFmpeg, Msg: msg}
		}
		return tools, nil
	}
	var missing *media.MissingError
	if _, ok := toolget.Lookup(o); ok && errors.As(err, &missing) && missing.Path == "" {
		return tools, &job.Error{Code: job.ExitFFmpeg, Err: err,
			Msg: fmt.Sprintf("Replay Rescue needs the free video tool %s, which is not installed: %s", missing.Tool, installHint(o))}
	}
	return tools, err
}

// installHint is how to get a usable ffmpeg on the computer o describes.
func installHint(o toolget.Options) string {
	if _, ok := toolget.Lookup(o); ok {
		return `run "replayrescue ffmpeg install" to download a verified copy.`
	}
	return media.InstallHint(goosOf(o))
}

func goosOf(o toolget.Options) string {
	if o.GOOS != "" {
		return o.GOOS
	}
	return runtime.GOOS
}

// toolsOrigin says where the ffmpeg in use comes from, for support requests.
func toolsOrigin(t media.Tools, o toolget.Options) string {
	switch {
	case os.Getenv("REPLAYRESCUE_FFMPEG") != "":
		return "REPLAYRESCUE_FFMPEG"
	case t.Downloaded:
		if info, ok := toolget.Installed(o.DataDir); ok {
			return fmt.Sprintf("downloaded by Replay Rescue (FFmpeg %s from %s, %s)", info.Version, info.Distributor, info.Licence)
		}
		return "downloaded by Replay Rescue"
	}
	return "this computer's own copy"
}

// ffmpegInstall downloads ffmpeg where a verified build exists for this
// computer and no usable one is there yet; elsewhere (Linux) it prints the
// one command that installs it.
func ffmpegInstall(ctx context.Context, stdout, stderr io.Writer, o toolget.Options) int {
	if tools, err := findTools(o); err == nil {
		fmt.Fprintf(stdout, "ffmpeg is already there: %s (%s)\n", tools.FFmpeg, toolsOrigin(tools, o))
		return 0
	}
	b, ok := toolget.Lookup(o)
	if !ok {
		fmt.Fprintln(stderr, "Replay Rescue does not download ffmpeg on this computer: "+media.InstallHint(goosOf(o)))
		return job.ExitFFmpeg
	}
	fmt.Fprintf(stderr, "Downloading the free video tool ffmpeg %s (about %d MB) from %s.\n", b.Version, megabytes(b.Size), b.Distributor)
	o.Progress = func(done, total int64) {
		if total > 0 {
			fmt.Fprintf(stderr, "\r%3d%%  %d of %d MB ", done*100/total, megabytes(done), megabytes(total))
		} else {
			fmt.Fprintf(stderr, "\r%d MB ", megabytes(done))
		}
	}
	tools, err := toolget.Install(ctx, o)
	fmt.Fprintln(stderr)
	if err != nil {
		msg, code := job.Explain(err)
		fmt.Fprintln(stderr, msg)
		return code
	}
	fmt.Fprintf(stdout, "Installed ffmpeg %d.%d in %s\n", tools.Major, tools.Minor, filepath.Dir(tools.FFmpeg))
	return 0
}

// megabytes rounds n bytes to whole MB (at least 1 for anything).
func megabytes(n int64) int64 {
	return (n + 1<<20 - 1) >> 20
}
