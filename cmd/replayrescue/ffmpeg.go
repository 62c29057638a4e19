package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"replayrescue/core/rescue"
)

// cmdFFmpeg is "replayrescue ffmpeg status|install": which ffmpeg is used
// and whether it will do; fetch a verified one where the OS allows.
func cmdFFmpeg(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return ffmpegCommand(ctx, args, stdout, stderr, rescue.ToolsSource{})
}

// ffmpegCommand is cmdFFmpeg with the download's options, which tests point
// at a loopback server and a table of their own.
func ffmpegCommand(ctx context.Context, args []string, stdout, stderr io.Writer, o rescue.ToolsSource) int {
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
		fmt.Fprintf(stdout, "ffmpeg:  %s\n         %s\nffprobe: %s\nfrom:    %s\n", tools.FFmpeg, line, tools.FFprobe, rescue.ToolsOrigin(tools, o))
	}
	if err != nil {
		msg, code := rescue.Explain(err)
		fmt.Fprintln(stderr, msg)
		return code
	}
	fmt.Fprintln(stdout, "It will do.")
	return 0
}

// findTools is rescue.FindTools with the CLI's way to a verified download.
func findTools(o rescue.ToolsSource) (rescue.Tools, error) {
	return rescue.FindTools(o, `run "replayrescue ffmpeg install" to download a verified copy.`)
}

// ffmpegInstall downloads ffmpeg where a verified build exists for this
// computer and no usable one is there yet; elsewhere (Linux) it prints the
// one command that installs it.
func ffmpegInstall(ctx context.Context, stdout, stderr io.Writer, o rescue.ToolsSource) int {
	if tools, err := findTools(o); err == nil {
		fmt.Fprintf(stdout, "ffmpeg is already there: %s (%s)\n", tools.FFmpeg, rescue.ToolsOrigin(tools, o))
		return 0
	}
	b, ok := rescue.ToolsDownload(o)
	if !ok {
		fmt.Fprintln(stderr, "Replay Rescue does not download ffmpeg on this computer: "+rescue.InstallHint(o))
		return rescue.ExitFFmpeg
	}
	fmt.Fprintf(stderr, "Downloading the free video tool ffmpeg %s (about %d MB) from %s.\n", b.Version, megabytes(b.Size), b.Distributor)
	o.Progress = func(done, total int64) {
		if total > 0 {
			fmt.Fprintf(stderr, "\r%3d%%  %d of %d MB ", done*100/total, megabytes(done), megabytes(total))
		} else {
			fmt.Fprintf(stderr, "\r%d MB ", megabytes(done))
		}
	}
	tools, err := rescue.InstallTools(ctx, o)
	fmt.Fprintln(stderr)
	if err != nil {
		msg, code := rescue.Explain(err)
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
