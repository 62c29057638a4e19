package media

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What we need of ffmpeg, by version: the concatf protocol (5.0) joins
// chunks into one stream; -fps_mode (5.1) keeps an exact cut's frame times.
// Older ones still work, through the concat demuxer and a full re-encode
// for exact cuts.
const (
	minMajor, minMinor = 4, 3 // Debian 11's; below, not tested
)

var versionRE = regexp.MustCompile(`(?m)^ffmpeg version n?(\d+)\.(\d+)`)

// Version is ffmpeg's version as major and minor numbers; 0, 0 when it
// does not say (builds from git name a commit, and are newer than any
// release we care about).
func (t Tools) Version(ctx context.Context) (major, minor int, text string, err error) {
	out, err := t.versionOutput(ctx)
	if err != nil {
		return 0, 0, "", err
	}
	line, _, _ := strings.Cut(out, "\n")
	m := versionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, 0, line, nil
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, line, nil
}

func (t Tools) versionOutput(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := ask(t.FFmpeg, "version").output(ctx, "tell its version", 1<<20)
	return string(out), err
}

// Describe is ffmpeg's own version line and the licence it was built
// under, read from one run of -version (the configuration it prints): the
// About box owes the user that much, because which licence applies depends
// on the build, not on ffmpeg as such.
func (t Tools) Describe(ctx context.Context) (line, licence string, err error) {
	out, err := t.versionOutput(ctx)
	if err != nil {
		return "", "", err
	}
	line, _, _ = strings.Cut(out, "\n")
	return line, licenceOf(out), nil
}

func licenceOf(versionOutput string) string {
	switch {
	case strings.Contains(versionOutput, "--enable-nonfree"):
		return "non-free (it may not be redistributed)"
	case strings.Contains(versionOutput, "--enable-gpl") && strings.Contains(versionOutput, "--enable-version3"):
		return "GNU GPL version 3 or later"
	case strings.Contains(versionOutput, "--enable-gpl"):
		return "GNU GPL version 2 or later"
	case strings.Contains(versionOutput, "--enable-version3"):
		return "GNU LGPL version 3 or later"
	}
	return "GNU LGPL version 2.1 or later"
}

// atLeast tells whether major.minor is at least want (an unknown version,
// 0.0, counts as new).
func atLeast(major, minor, wantMajor, wantMinor int) bool {
	if major == 0 && minor == 0 {
		return true
	}
	return major > wantMajor || major == wantMajor && minor >= wantMinor
}

// TooOld says, in a sentence, what to do when ffmpeg is older than we test
// with; "" when it is recent enough.
func TooOld(major, minor int, goos string) string {
	return TooOldWith(major, minor, InstallHint(goos))
}

// TooOldWith is TooOld ending with hint, the way to a newer ffmpeg (a
// download, where Replay Rescue can make one).
func TooOldWith(major, minor int, hint string) string {
	if atLeast(major, minor, minMajor, minMinor) {
		return ""
	}
	return fmt.Sprintf("The video tool ffmpeg on this computer is version %d.%d, older than Replay Rescue can use (%d.%d or newer): %s", major, minor, minMajor, minMinor, hint)
}

// Check runs both tools once, as a fresh install is checked before it is
// trusted: ffmpeg must tell its version and ffprobe must start. It returns
// ffmpeg's version (0, 0 when it does not say).
func (t Tools) Check(ctx context.Context) (major, minor int, err error) {
	major, minor, _, err = t.Version(ctx)
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := ask(t.FFprobe, "version").output(ctx, "tell its version", 1<<20); err != nil {
		return 0, 0, err
	}
	return major, minor, nil
}
