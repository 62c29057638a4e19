package toolget_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/media"
	"replayrescue/core/toolget"
	"replayrescue/core/toolget/toolgettest"
)

// options point Install at srv with a fresh data folder, which Find is
// also told to use.
func options(t *testing.T, srv *toolgettest.Server, builds []toolget.Build) toolget.Options {
	t.Helper()
	data := t.TempDir()
	t.Setenv(media.DataDirEnv, data)
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	return toolget.Options{Builds: builds, BaseURL: srv.URL, DataDir: data}
}

// assertNothingInstalled checks a failed install left the data folder empty.
func assertNothingInstalled(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestInstallAndReuseAfterRestart(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	archive := toolgettest.Archive{Version: "7.1", Padding: 300 << 10}.Zip(t)
	srv := toolgettest.Serve(t, archive, 0)
	o := options(t, srv, toolgettest.Table(toolgettest.Sum(archive)))
	var calls int
	var last, total int64
	o.Progress = func(done, tot int64) { calls++; last, total = done, tot }

	tools, err := toolget.Install(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(o.DataDir, "ffmpeg")
	if tools.FFmpeg != filepath.Join(dir, "ffmpeg") || tools.FFprobe != filepath.Join(dir, "ffprobe") || !tools.Downloaded || tools.Major != 7 || tools.Minor != 1 {
		t.Errorf("installed %+v", tools)
	}
	if calls < 2 || last != int64(len(archive)) || total != int64(len(archive)) {
		t.Errorf("progress: %d calls, last %d of %d (archive %d bytes)", calls, last, total, len(archive))
	}
	// Only the two programs, the licence and what we know of the build:
	// nothing else of the archive, and no temporary files.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "LICENSE.txt build.json ffmpeg ffprobe" {
		t.Errorf("installed files: %v", names)
	}
	if top, _ := os.ReadDir(o.DataDir); len(top) != 1 {
		t.Errorf("the data folder holds %d entries, want only ffmpeg/", len(top))
	}

	// After a restart, Find uses the download without fetching it again,
	// even with another ffmpeg on PATH.
	t.Setenv("PATH", t.TempDir())
	found, err := media.Find()
	if err != nil {
		t.Fatal(err)
	}
	if found.FFmpeg != tools.FFmpeg || !found.Downloaded || found.Major != 7 {
		t.Errorf("Find after install: %+v", found)
	}
	if n := srv.Requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	info, ok := toolget.Installed(o.DataDir)
	if !ok || info.Version != "7.1" || info.SHA256 != o.Builds[0].SHA256 || !strings.HasPrefix(info.URL, srv.URL) {
		t.Errorf("recorded build: %+v %v", info, ok)
	}
	text, ok := toolget.Licence(o.DataDir)
	if !ok || !strings.Contains(text, "LGPL-3.0-or-later") || !strings.Contains(text, "GNU LESSER GENERAL PUBLIC LICENSE") || !strings.Contains(text, "test builds") {
		t.Errorf("licence text: %q", text)
	}
}

func TestInstallRefusesAndLeavesNothing(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	good := toolgettest.Archive{Version: "7.1"}.Zip(t)
	cases := []struct {
		name     string
		body     []byte
		sum      string
		truncate int
		want     string
	}{
		{"hash mismatch", good, toolgettest.Sum(append([]byte("other"), good...)), 0, "not the one Replay Rescue expects"},
		{"truncated download", good, toolgettest.Sum(good), len(good) / 2, "broke off before the end"},
		{"no ffprobe", toolgettest.Archive{Version: "7.1", NoFFprobe: true}.Zip(t), "", 0, "does not contain ffprobe"},
		{"too old", toolgettest.Archive{Version: "4.2"}.Zip(t), "", 0, "version 4.2, older than Replay Rescue can use"},
		{"not a zip", []byte("<html>maintenance</html>"), "", 0, "could not be opened"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sum := c.sum
			if sum == "" {
				sum = toolgettest.Sum(c.body)
			}
			srv := toolgettest.Serve(t, c.body, c.truncate)
			o := options(t, srv, toolgettest.Table(sum))
			_, err := toolget.Install(context.Background(), o)
			var te *toolget.Error
			if !errors.As(err, &te) || !strings.Contains(te.Msg, c.want) {
				t.Fatalf("err = %v, want one with %q", err, c.want)
			}
			if strings.Count(te.Msg, ". ") > 0 || !strings.HasSuffix(te.Msg, ".") {
				t.Errorf("not one sentence: %q", te.Msg)
			}
			assertNothingInstalled(t, o.DataDir)
			if tools, err := media.Find(); err == nil && tools.Downloaded {
				t.Error("Find uses a download that failed")
			}
		})
	}
}

func TestFailedUpdateKeepsTheInstalledTools(t *testing.T) {
	toolgettest.SkipWithoutShell(t)
	good := toolgettest.Archive{Version: "7.1"}.Zip(t)
	srv := toolgettest.Serve(t, good, 0)
	o := options(t, srv, toolgettest.Table(toolgettest.Sum(good)))
	if _, err := toolget.Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	o.Builds = toolgettest.Table(toolgettest.Sum([]byte("something else")))
	if _, err := toolget.Install(context.Background(), o); err == nil {
		t.Fatal("a wrong hash was accepted")
	}
	tools, err := media.Find()
	if err != nil || !tools.Downloaded || tools.Major != 7 {
		t.Errorf("the first install is gone: %+v %v", tools, err)
	}
	if top, _ := os.ReadDir(o.DataDir); len(top) != 1 {
		t.Errorf("the data folder holds %d entries after a failed update", len(top))
	}
}

func TestNoVerifiedBuild(t *testing.T) {
	good := toolgettest.Archive{Version: "7.1"}.Zip(t)
	srv := toolgettest.Serve(t, good, 0)
	unverified := toolgettest.Table("")
	unverified[0].SHA256 = ""
	for _, builds := range [][]toolget.Build{unverified, {}} {
		o := options(t, srv, builds)
		_, err := toolget.Install(context.Background(), o)
		var te *toolget.Error
		if !errors.As(err, &te) || !strings.HasPrefix(te.Msg, "This version of Replay Rescue has no verified ffmpeg download for this computer yet: ") {
			t.Errorf("err = %v", err)
		}
		if _, ok := toolget.Lookup(o); ok {
			t.Error("Lookup offers a build without a hash")
		}
	}
	if n := srv.Requests.Load(); n != 0 {
		t.Errorf("%d requests for builds that are not verified", n)
	}
}

func TestOnlyHTTPSOrLoopback(t *testing.T) {
	o := toolget.Options{Builds: toolgettest.Table(toolgettest.Sum(nil)), BaseURL: "http://downloads.example.com", DataDir: t.TempDir()}
	_, err := toolget.Install(context.Background(), o)
	var te *toolget.Error
	if !errors.As(err, &te) || !strings.Contains(te.Msg, "not a safe one") {
		t.Errorf("plain http to another host: %v", err)
	}
}

func TestCancelledInstall(t *testing.T) {
	good := toolgettest.Archive{Version: "7.1"}.Zip(t)
	srv := toolgettest.Serve(t, good, 0)
	o := options(t, srv, toolgettest.Table(toolgettest.Sum(good)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := toolget.Install(ctx, o)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was installed") {
		t.Errorf("err = %v", err)
	}
	assertNothingInstalled(t, o.DataDir)
}

func TestDefaultBuilds(t *testing.T) {
	for _, b := range toolget.DefaultBuilds() {
		if len(b.SHA256) != 64 || strings.Trim(b.SHA256, "0123456789abcdef") != "" {
			t.Errorf("%s/%s: the hash %q is not a SHA-256 in lower-case hex", b.GOOS, b.GOARCH, b.SHA256)
		}
		if !strings.HasPrefix(b.Base, "https://") || !strings.HasSuffix(b.Path, ".zip") || b.FFmpeg == "" || b.FFprobe == "" || b.Licence == "" || b.Size <= 0 {
			t.Errorf("%s/%s: incomplete entry %+v", b.GOOS, b.GOARCH, b)
		}
	}
	if _, ok := toolget.Lookup(toolget.Options{GOOS: "windows", GOARCH: "amd64"}); !ok {
		t.Error("no download for Windows")
	}
}
