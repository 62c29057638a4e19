package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// The version comes from one place, FyneApp.toml: the Makefile and the
// packaging script pass its Version and Build with -ldflags, and commit from
// git describe. A plain "go build" or "go run" keeps these defaults, which a
// test holds equal to FyneApp.toml, and takes the commit from the build's
// own VCS stamp.
var (
	version = "0.1.0"
	build   = ""
	commit  = ""
	// stamp is "VERSION,BUILD,COMMIT" in one -X: the packaging script can
	// hand the Fyne packager's go build only one, through GOFLAGS, which
	// splits on spaces.
	stamp = ""
)

func init() { applyStamp() }

func applyStamp() {
	if parts := strings.SplitN(stamp, ",", 3); len(parts) == 3 {
		version, build, commit = parts[0], parts[1], parts[2]
	}
}

// versionLine is what --version prints and the About box shows, for
// example "0.1.0 (build 3, v0.1.0-12-gabc1234)".
func versionLine() string {
	var extra []string
	if build != "" {
		extra = append(extra, "build "+build)
	}
	if c := commitID(); c != "" {
		extra = append(extra, c)
	}
	if len(extra) == 0 {
		return version
	}
	return fmt.Sprintf("%s (%s)", version, strings.Join(extra, ", "))
}

// commitID is the -ldflags commit, else the short revision Go stamped into
// the binary (with "-dirty" for uncommitted changes), else "".
func commitID() string {
	if commit != "" {
		return commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 7 {
		rev = rev[:7]
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
