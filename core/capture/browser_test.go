package capture

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// install makes a fake browser executable at root/rel.
func install(t *testing.T, root, rel string) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFindBrowser: each OS's standard install places, the PATH, the
// preference order and the settings override, on fake installs.
func TestFindBrowser(t *testing.T) {
	for _, tc := range []struct {
		name     string
		goos     string
		installs []string // relative to the temp dir: pf/, pf86/, local/, home/, bin/
		override string
		want     string // relative path found; "" means none
		wantName string
	}{
		{"windows chrome", "windows", []string{"pf/Google/Chrome/Application/chrome.exe"}, "", "pf/Google/Chrome/Application/chrome.exe", "Google Chrome"},
		{"windows edge in x86", "windows", []string{"pf86/Microsoft/Edge/Application/msedge.exe"}, "", "pf86/Microsoft/Edge/Application/msedge.exe", "Microsoft Edge"},
		{"windows chrome per user beats edge", "windows", []string{"pf86/Microsoft/Edge/Application/msedge.exe", "local/Google/Chrome/Application/chrome.exe"}, "", "local/Google/Chrome/Application/chrome.exe", "Google Chrome"},
		{"windows brave", "windows", []string{"local/BraveSoftware/Brave-Browser/Application/brave.exe"}, "", "local/BraveSoftware/Brave-Browser/Application/brave.exe", "Brave"},
		{"windows chromium on PATH", "windows", []string{"bin/chromium.exe"}, "", "bin/chromium.exe", "Chromium"},
		{"mac user applications", "darwin", []string{"home/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"}, "", "home/Applications/Brave Browser.app/Contents/MacOS/Brave Browser", "Brave"},
		{"mac override app bundle", "darwin", []string{"home/Apps/Chromium.app/Contents/MacOS/Chromium"}, "home/Apps/Chromium.app", "home/Apps/Chromium.app/Contents/MacOS/Chromium", "Chromium"},
		{"linux chromium", "linux", []string{"bin/chromium"}, "", "bin/chromium", "Chromium"},
		{"linux chrome preferred", "linux", []string{"bin/chromium", "bin/google-chrome-stable"}, "", "bin/google-chrome-stable", "Google Chrome"},
		{"linux edge", "linux", []string{"bin/microsoft-edge"}, "", "bin/microsoft-edge", "Microsoft Edge"},
		{"linux override", "linux", []string{"bin/chromium", "opt/my-browser"}, "opt/my-browser", "opt/my-browser", "the browser"},
		{"linux nothing", "linux", nil, "", "", ""},
		{"windows nothing", "windows", []string{"pf/Google/Chrome/readme.txt"}, "", "", ""},
		{"override missing", "linux", []string{"bin/chromium"}, "opt/gone", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, rel := range tc.installs {
				install(t, dir, rel)
			}
			env := map[string]string{
				"ProgramFiles": filepath.Join(dir, "pf"), "ProgramFiles(x86)": filepath.Join(dir, "pf86"), "LocalAppData": filepath.Join(dir, "local"),
				"HOME": filepath.Join(dir, "home"), "PATH": filepath.Join(dir, "nothing-here") + ":" + filepath.Join(dir, "bin"),
			}
			if tc.goos == "windows" {
				env["PATH"] = filepath.Join(dir, "nothing-here") + ";" + filepath.Join(dir, "bin")
			}
			override := ""
			if tc.override != "" {
				override = filepath.Join(dir, tc.override)
			}
			b, err := FindBrowser(tc.goos, func(k string) string { return env[k] }, override)
			if tc.want == "" {
				if !errors.Is(err, ErrNoBrowser) {
					t.Fatalf("found %+v, err %v; want ErrNoBrowser", b, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, tc.want); b.Path != want || b.Name != tc.wantName {
				t.Errorf("found %q (%s), want %q (%s)", b.Path, b.Name, want, tc.wantName)
			}
		})
	}
}

// TestFindBrowserNotExecutable: outside Windows a file without execute
// permission is not a browser.
func TestFindBrowserNotExecutable(t *testing.T) {
	dir := t.TempDir()
	p := install(t, dir, "bin/chromium")
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := FindBrowser("linux", func(k string) string { return map[string]string{"PATH": filepath.Join(dir, "bin")}[k] }, ""); err == nil {
		t.Fatalf("found %+v", b)
	}
}
