package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/media"
	"replayrescue/core/toolget"
	"replayrescue/core/toolget/toolgettest"
)

// ffmpegCLI runs "replayrescue ffmpeg ARGS" with the download's options.
func ffmpegCLI(t *testing.T, o toolget.Options, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := ffmpegCommand(context.Background(), args, &out, &errOut, o)
	return code, out.String(), errOut.String()
}

func TestFFmpegInstallReplacesAnOldOne(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	// Only an ffmpeg too old to use on PATH.
	onPath := t.TempDir()
	os.WriteFile(filepath.Join(onPath, "ffmpeg"), []byte("#!/bin/sh\necho 'ffmpeg version 4.2.7 Copyright (c) 2000-2022'\n"), 0o755)
	os.WriteFile(filepath.Join(onPath, "ffprobe"), []byte("#!/bin/sh\necho 'ffprobe version 4.2.7'\n"), 0o755)
	t.Setenv("PATH", onPath)
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	data := t.TempDir()
	t.Setenv(media.DataDirEnv, data)
	archive := toolgettest.Archive{Version: "7.1", Padding: 200 << 10}.Zip(t)
	srv := toolgettest.Serve(t, archive, 0)
	o := toolget.Options{Builds: toolgettest.Table(toolgettest.Sum(archive)), BaseURL: srv.URL}

	// status names the old one, and the way out.
	code, stdout, stderr := ffmpegCLI(t, o, "status")
	if code != 4 || !strings.Contains(stdout, filepath.Join(onPath, "ffmpeg")) || !strings.Contains(stderr, "version 4.2, older than") ||
		!strings.Contains(stderr, `run "replayrescue ffmpeg install"`) {
		t.Errorf("status with an old ffmpeg: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = ffmpegCLI(t, o, "install")
	if code != 0 || !strings.Contains(stdout, "Installed ffmpeg 7.1 in "+filepath.Join(data, "ffmpeg")) || !strings.Contains(stderr, "100%") {
		t.Fatalf("install: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = ffmpegCLI(t, o, "status")
	if code != 0 || !strings.Contains(stdout, "downloaded by Replay Rescue (FFmpeg 7.1 from test builds, LGPL-3.0-or-later)") || !strings.Contains(stdout, "It will do.") {
		t.Errorf("status after install: exit %d\n%s%s", code, stdout, stderr)
	}
	// Installing again downloads nothing.
	code, stdout, _ = ffmpegCLI(t, o, "install")
	if code != 0 || !strings.Contains(stdout, "already there") || srv.Requests.Load() != 1 {
		t.Errorf("second install: exit %d, %d requests: %s", code, srv.Requests.Load(), stdout)
	}

	// save --verbose says which ffmpeg it uses before anything else.
	site := httptest.NewServer(http.NotFoundHandler())
	defer site.Close()
	code, _, stderr = runCLI(t, "", "save", "--verbose", "-o", filepath.Join(t.TempDir(), "x.mp4"), site.URL+"/p.m3u8")
	if code == 0 || !strings.Contains(stderr, "Using ffmpeg 7.1: "+filepath.Join(data, "ffmpeg", "ffmpeg")+" (downloaded by Replay Rescue") {
		t.Errorf("save --verbose: exit %d: %s", code, stderr)
	}
	if _, _, stderr = runCLI(t, "", "save", "-o", filepath.Join(t.TempDir(), "x.mp4"), site.URL+"/p.m3u8"); strings.Contains(stderr, "Using ffmpeg") {
		t.Errorf("save without --verbose names ffmpeg: %s", stderr)
	}
}

func TestFFmpegInstallFailureIsOneSentence(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	t.Setenv("PATH", t.TempDir())
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	data := t.TempDir()
	t.Setenv(media.DataDirEnv, data)
	archive := toolgettest.Archive{Version: "7.1"}.Zip(t)
	srv := toolgettest.Serve(t, archive, 0)
	o := toolget.Options{Builds: toolgettest.Table(toolgettest.Sum([]byte("not this"))), BaseURL: srv.URL}
	code, _, stderr := ffmpegCLI(t, o, "install")
	if code != 4 || !strings.Contains(stderr, "not the one Replay Rescue expects") {
		t.Errorf("wrong hash: exit %d: %s", code, stderr)
	}
	oneSentence(t, stderr)
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("a failed install left %d files", len(entries))
	}
}

func TestFFmpegInstallWithoutDownload(t *testing.T) {
	// Linux (or any computer without a verified build): the one command.
	t.Setenv("PATH", t.TempDir())
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	t.Setenv(media.DataDirEnv, t.TempDir())
	o := toolget.Options{Builds: []toolget.Build{}, GOOS: "linux"}
	code, _, stderr := ffmpegCLI(t, o, "install")
	if code != 4 || !strings.Contains(stderr, media.InstallHint("linux")) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	oneSentence(t, stderr)
	code, _, stderr = ffmpegCLI(t, o, "status")
	if code != 4 || strings.Contains(stderr, "ffmpeg install") {
		t.Errorf("status offers a download that does not exist: exit %d: %s", code, stderr)
	}
}
