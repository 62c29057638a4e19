// Package media wraps ffmpeg and ffprobe: finding them, probing local files,
// preview frames, and the one-pass render of a job's chunks into an MP4.
// ffmpeg only ever reads local files here; nothing network-facing reaches it.
package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Tools are the ffmpeg and ffprobe executables in use.
type Tools struct {
	FFmpeg  string
	FFprobe string
	// Major, Minor are ffmpeg's version as Find read it (0, 0: unknown,
	// treated as recent). Older ffmpegs lack some of what the render
	// prefers, and get the slower way (see tools_version.go).
	Major, Minor int
	// Encoder, when set, is the video encoder re-encoding uses; otherwise
	// VideoEncoder asks this ffmpeg for its best (see tools_encoder.go).
	Encoder string
	probe   *encoderProbe
	// Downloaded is true when ffmpeg is the copy Replay Rescue fetched.
	Downloaded bool
}

// MissingError means ffmpeg or ffprobe could not be found.
type MissingError struct {
	Tool string // "ffmpeg" or "ffprobe"
	GOOS string
	Path string // set when an explicit path from the environment was wrong
}

func (e *MissingError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("Replay Rescue was told to use %s at %s, but there is no working program there: fix REPLAYRESCUE_%s or remove it.", e.Tool, e.Path, envSuffix(e.Tool))
	}
	return fmt.Sprintf("Replay Rescue needs the free video tool %s, which is not installed: %s", e.Tool, InstallHint(e.GOOS))
}

func envSuffix(tool string) string {
	if tool == "ffprobe" {
		return "FFPROBE"
	}
	return "FFMPEG"
}

// InstallHint is the one step that gets ffmpeg onto a machine running goos.
func InstallHint(goos string) string {
	switch goos {
	case "windows":
		return "open a Command Prompt and run \"winget install ffmpeg\", or put ffmpeg.exe and ffprobe.exe next to ReplayRescue.exe."
	case "darwin":
		return "install it with \"brew install ffmpeg\", or download it from ffmpeg.org and put ffmpeg and ffprobe next to the app."
	case "linux":
		if cmd := thisLinuxCommand(); cmd != "" {
			return "install it with \"" + cmd + "\"."
		}
		return "install it with your package manager, for example \"sudo apt install ffmpeg\" (Debian, Ubuntu), \"sudo dnf install ffmpeg\" (Fedora) or \"sudo pacman -S ffmpeg\" (Arch)."
	}
	return "install ffmpeg from ffmpeg.org and make sure it is on your PATH."
}

// DataDirEnv names a folder that replaces Replay Rescue's own data folder
// (tests, portable installs).
const DataDirEnv = "REPLAYRESCUE_DATA"

// DataDir is Replay Rescue's own data folder, where a downloaded ffmpeg
// lives. On Windows that is the local (not roaming) AppData, since a 100 MB
// tool must not travel with a roaming profile; elsewhere the user's config
// folder (on macOS ~/Library/Application Support, which is never purged
// the way Caches is).
func DataDir() (string, error) {
	if d := os.Getenv(DataDirEnv); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if runtime.GOOS == "windows" {
		base, err = os.UserCacheDir()
	}
	if err != nil {
		return "", fmt.Errorf("finding the folder for Replay Rescue's data: %w", err)
	}
	return filepath.Join(base, "ReplayRescue"), nil
}

// DownloadedDir is the folder holding the ffmpeg Replay Rescue downloaded
// ("" when there is no data folder).
func DownloadedDir() string {
	d, err := DataDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "ffmpeg")
}

// Find locates the tools: REPLAYRESCUE_FFMPEG / REPLAYRESCUE_FFPROBE, then
// the copy Replay Rescue downloaded (so it beats an older one on PATH), then
// the folder of the running program, then PATH. ffprobe is also looked for
// next to whichever ffmpeg was found.
func Find() (Tools, error) {
	ffmpeg, err := find("ffmpeg", os.Getenv("REPLAYRESCUE_FFMPEG"), "")
	if err != nil {
		return Tools{}, err
	}
	ffprobe, err := find("ffprobe", os.Getenv("REPLAYRESCUE_FFPROBE"), filepath.Dir(ffmpeg))
	if err != nil {
		return Tools{}, err
	}
	t := Tools{FFmpeg: ffmpeg, FFprobe: ffprobe}
	t.Downloaded = filepath.Dir(ffmpeg) == DownloadedDir()
	t.Major, t.Minor, _, _ = t.Version(context.Background())
	t.probe = &encoderProbe{}
	return t, nil
}

func find(tool, explicit, beside string) (string, error) {
	name := tool
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if explicit != "" {
		if isExecutable(explicit) {
			return explicit, nil
		}
		return "", &MissingError{Tool: tool, GOOS: runtime.GOOS, Path: explicit}
	}
	var dirs []string
	if d := DownloadedDir(); d != "" {
		dirs = append(dirs, d)
	}
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	if beside != "" {
		dirs = append(dirs, beside)
	}
	for _, d := range dirs {
		if p := filepath.Join(d, name); isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath(tool); err == nil {
		return p, nil
	}
	return "", &MissingError{Tool: tool, GOOS: runtime.GOOS}
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || st.Mode().Perm()&0o111 != 0
}
