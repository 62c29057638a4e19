package rescue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	"replayrescue/core/job"
	"replayrescue/core/media"
	"replayrescue/core/toolget"
)

// Tools are the ffmpeg and ffprobe a save uses.
type Tools = media.Tools

// ToolsSource says where a download of ffmpeg comes from and goes to. The
// zero value is the real one; tests point it at a loopback server.
type ToolsSource = toolget.Options

// ToolsBuild is a verified ffmpeg build that can be downloaded.
type ToolsBuild = toolget.Build

// FindTools finds ffmpeg and ffprobe and refuses an ffmpeg too old to rely
// on. Its sentences end with the way out on this computer: downloadHint
// where a verified download exists for it (the CLI names its command, the
// window its button), else the system's own install step. The tools found
// are returned with a too-old error, for a status to show.
func FindTools(o ToolsSource, downloadHint string) (Tools, error) {
	hint := InstallHint(o)
	_, canDownload := toolget.Lookup(o)
	if canDownload {
		hint = downloadHint
	}
	tools, err := media.Find()
	if err == nil {
		if msg := media.TooOldWith(tools.Major, tools.Minor, hint); msg != "" {
			return tools, &job.Error{Code: ExitFFmpeg, Msg: msg}
		}
		return tools, nil
	}
	var missing *media.MissingError
	if canDownload && errors.As(err, &missing) && missing.Path == "" {
		return tools, &job.Error{Code: ExitFFmpeg, Err: err,
			Msg: fmt.Sprintf("Replay Rescue needs the free video tool %s, which is not installed: %s", missing.Tool, hint)}
	}
	return tools, err
}

// ToolsMissing tells a FindTools error for "not installed" from one for
// "too old".
func ToolsMissing(err error) bool {
	var missing *media.MissingError
	return errors.As(err, &missing)
}

// MissingToolsError is what FindTools says on goos when ffmpeg is not
// installed, for pictures of that dialog.
func MissingToolsError(goos string) error {
	return &media.MissingError{Tool: "ffmpeg", GOOS: goos}
}

// InstallHint is the system's own step that installs ffmpeg on the computer
// o describes.
func InstallHint(o ToolsSource) string {
	goos := o.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	return media.InstallHint(goos)
}

// ToolsDownload is the verified build Replay Rescue can download for the
// computer o describes; ok is false where there is none (Linux: the system
// installs ffmpeg).
func ToolsDownload(o ToolsSource) (b ToolsBuild, ok bool) { return toolget.Lookup(o) }

// InstallTools downloads, checks and installs the build ToolsDownload names.
func InstallTools(ctx context.Context, o ToolsSource) (Tools, error) { return toolget.Install(ctx, o) }

// ToolsLicence is the licence text of the downloaded ffmpeg, if there is one.
func ToolsLicence(o ToolsSource) (string, bool) { return toolget.Licence(o.DataDir) }

// ToolsOrigin says where the ffmpeg in use comes from, for support requests.
func ToolsOrigin(t Tools, o ToolsSource) string {
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
