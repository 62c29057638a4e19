// Package capture opens the user's own Chromium-family browser (Chrome,
// Edge, Brave or Chromium) in a separate, temporary profile, watches its
// network over the DevTools protocol while the user plays the replay, and
// hands what it saw to intake, which ranks it exactly as it ranks a HAR file.
// It replaces exporting a HAR file by hand.
package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"replayrescue/core/intake"
)

// ErrNoBrowser means no Chromium-family browser was found. It wraps
// intake.ErrNoSource: the fix is on the user's side (install one, set its
// path, or use a HAR file), so the CLI exits with 2.
var ErrNoBrowser = fmt.Errorf("no Chrome, Edge, Brave or Chromium found: %w", intake.ErrNoSource)

// NoBrowserMsg is what to say when no browser was found: what to do, and the
// HAR file route that still works.
const NoBrowserMsg = "No Chrome, Edge, Brave or Chromium was found on this computer: install one of them (or set its path in Settings), or save a HAR file from your browser and open that instead."

// Browser is an installed browser that capture can drive.
type Browser struct {
	Name string // "Google Chrome", "Microsoft Edge", "Brave", "Chromium"
	Path string // its executable
}

// known lists the browsers in the order they are preferred, with where
// each installs itself on Windows (under Program Files or LocalAppData) and
// macOS (under an Applications folder), and its names on a PATH.
var known = []struct {
	name    string
	windows string // relative to %ProgramFiles%, %ProgramFiles(x86)% or %LocalAppData%
	mac     string // relative to /Applications or ~/Applications
	path    []string
}{
	{"Google Chrome", `Google/Chrome/Application/chrome.exe`, "Google Chrome.app/Contents/MacOS/Google Chrome",
		[]string{"google-chrome", "google-chrome-stable", "chrome"}},
	{"Microsoft Edge", `Microsoft/Edge/Application/msedge.exe`, "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		[]string{"microsoft-edge", "microsoft-edge-stable", "msedge"}},
	{"Brave", `BraveSoftware/Brave-Browser/Application/brave.exe`, "Brave Browser.app/Contents/MacOS/Brave Browser",
		[]string{"brave-browser", "brave"}},
	{"Chromium", `Chromium/Application/chrome.exe`, "Chromium.app/Contents/MacOS/Chromium",
		[]string{"chromium", "chromium-browser"}},
}

// FindBrowser finds the browser to use on goos: override when set (a path
// from the settings; on macOS the .app folder will do), else the first
// known browser in its standard install place, else on the PATH. getenv
// reads the environment (os.Getenv; tests pass their own).
func FindBrowser(goos string, getenv func(string) string, override string) (Browser, error) {
	if override = strings.TrimSpace(override); override != "" {
		p := override
		if goos == "darwin" && strings.HasSuffix(strings.TrimRight(p, "/"), ".app") {
			app := strings.TrimRight(p, "/")
			p = filepath.Join(app, "Contents", "MacOS", strings.TrimSuffix(filepath.Base(app), ".app"))
		}
		if !runnable(goos, p) {
			return Browser{}, &intake.InputError{Err: ErrNoBrowser,
				Msg: fmt.Sprintf("The browser chosen in Settings or with --browser (%s) cannot be found or started: choose the browser's program again, or leave it empty to use the one Replay Rescue finds.", override)}
		}
		return Browser{Name: nameOf(p), Path: p}, nil
	}
	for _, b := range known {
		for _, root := range installRoots(goos, getenv) {
			rel := b.mac
			if goos == "windows" {
				rel = b.windows
			}
			if p := filepath.Join(root, filepath.FromSlash(rel)); runnable(goos, p) {
				return Browser{Name: b.name, Path: p}, nil
			}
		}
	}
	sep, exe := ":", ""
	if goos == "windows" {
		sep, exe = ";", ".exe"
	}
	for _, b := range known {
		for _, name := range b.path {
			for _, dir := range strings.Split(getenv("PATH"), sep) {
				if dir == "" {
					continue
				}
				if p := filepath.Join(dir, name+exe); runnable(goos, p) {
					return Browser{Name: b.name, Path: p}, nil
				}
			}
		}
	}
	return Browser{}, &intake.InputError{Msg: NoBrowserMsg, Err: ErrNoBrowser}
}

// installRoots are the folders browsers install into on goos; Linux
// browsers are found on the PATH only.
func installRoots(goos string, getenv func(string) string) []string {
	var out []string
	switch goos {
	case "windows":
		for _, v := range []string{"ProgramFiles", "ProgramFiles(x86)", "LocalAppData"} {
			if d := getenv(v); d != "" {
				out = append(out, d)
			}
		}
	case "darwin":
		out = append(out, "/Applications")
		if h := getenv("HOME"); h != "" {
			out = append(out, filepath.Join(h, "Applications"))
		}
	}
	return out
}

// runnable: p is a file that can be started (executable bits outside Windows).
func runnable(goos, p string) bool {
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	return goos == "windows" || st.Mode().Perm()&0o111 != 0
}

// nameOf names the browser at p for the user, "the browser" when unknown.
func nameOf(p string) string {
	base := strings.TrimSuffix(strings.ToLower(filepath.Base(p)), ".exe")
	for _, b := range known {
		names := append([]string{strings.ToLower(filepath.Base(b.mac))}, b.path...)
		for _, n := range names {
			if base == n {
				return b.name
			}
		}
	}
	return "the browser"
}
