package media

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLinuxCommand(t *testing.T) {
	want := map[string]string{
		"ubuntu":              "sudo apt install ffmpeg",
		"linuxmint":           "sudo apt install ffmpeg", // through ID_LIKE
		"fedora":              "sudo dnf install ffmpeg",
		"rocky":               "sudo dnf install ffmpeg",
		"arch":                "sudo pacman -S ffmpeg",
		"endeavouros":         "sudo pacman -S ffmpeg",
		"opensuse-tumbleweed": "sudo zypper install ffmpeg",
		"void":                "", // unknown: the general hint instead
	}
	files, err := filepath.Glob(filepath.Join("testdata", "os-release", "*"))
	if err != nil || len(files) != len(want) {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if got := LinuxCommand(string(text), false); got != want[name] {
			t.Errorf("%s: %q, want %q", name, got, want[name])
		}
		// Inside a Flatpak the host's package manager cannot reach the app.
		if got := LinuxCommand(string(text), true); got != flatpakCommand {
			t.Errorf("%s in a Flatpak: %q", name, got)
		}
	}
	if got := LinuxCommand("", false); got != "" {
		t.Errorf("no os-release: %q", got)
	}
}

func TestInstallHintNamesThisDistribution(t *testing.T) {
	t.Setenv("FLATPAK_ID", "app.replayrescue.desktop")
	if got := InstallHint("linux"); got != "install it with \""+flatpakCommand+"\"." {
		t.Errorf("in a Flatpak: %q", got)
	}
}

func TestFindPrefersDownloaded(t *testing.T) {
	needShell(t)
	// An old ffmpeg on PATH, a recent one in the data folder: the
	// downloaded one wins, and says so.
	onPath := t.TempDir()
	writeScript(t, filepath.Join(onPath, "ffmpeg"), "ffmpeg version 4.1.11 Copyright (c) 2000-2023")
	writeScript(t, filepath.Join(onPath, "ffprobe"), "ffprobe version 4.1.11")
	data := t.TempDir()
	dl := filepath.Join(data, "ffmpeg")
	os.Mkdir(dl, 0o755)
	writeScript(t, filepath.Join(dl, "ffmpeg"), "ffmpeg version 7.1 Copyright (c) 2000-2024")
	writeScript(t, filepath.Join(dl, "ffprobe"), "ffprobe version 7.1")
	t.Setenv("PATH", onPath)
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	t.Setenv(DataDirEnv, data)
	tools, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	if tools.FFmpeg != filepath.Join(dl, "ffmpeg") || tools.FFprobe != filepath.Join(dl, "ffprobe") || !tools.Downloaded || tools.Major != 7 {
		t.Errorf("found %+v", tools)
	}
	// Without the download, the old one on PATH is found and is too old.
	t.Setenv(DataDirEnv, t.TempDir())
	tools, err = Find()
	if err != nil || tools.Downloaded || TooOld(tools.Major, tools.Minor, "linux") == "" {
		t.Errorf("PATH only: %+v %v", tools, err)
	}
}

func needShell(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("stand-in tools are shell scripts")
	}
}

// writeScript makes an executable that prints line, like a tool's -version.
func writeScript(t *testing.T, path, line string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho '"+line+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}
