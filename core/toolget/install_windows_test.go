//go:build windows

package toolget_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/media"
	"replayrescue/core/toolget"
	"replayrescue/core/toolget/toolgettest"
)

// TestInstallRealToolsOnWindows is the one-click ffmpeg download on Windows
// code paths with real programs: a zip holding an ffmpeg.exe and ffprobe.exe
// (the ones `make check-windows` cross-builds, in RR_WINDOWS_TOOLS) is
// served on loopback, downloaded, checked against its hash and unpacked into
// Replay Rescue's folder under %LOCALAPPDATA%; Find then uses it, running
// it for its version, with nothing else to find.
func TestInstallRealToolsOnWindows(t *testing.T) {
	tools := os.Getenv("RR_WINDOWS_TOOLS")
	if tools == "" {
		t.Skip("RR_WINDOWS_TOOLS is not set: make check-windows sets it")
	}
	const top = "ffmpeg-win64-lgpl-test"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"bin/ffmpeg.exe", "bin/ffprobe.exe", "LICENSE.txt"} {
		body := []byte("GNU LESSER GENERAL PUBLIC LICENSE\n")
		if strings.HasSuffix(name, ".exe") {
			var err error
			if body, err = os.ReadFile(filepath.Join(tools, filepath.Base(name))); err != nil {
				t.Fatal(err)
			}
		}
		w, err := zw.Create(top + "/" + name)
		if err == nil {
			_, err = w.Write(body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	table := toolgettest.Table(toolgettest.Sum(archive))
	table[0].FFmpeg, table[0].FFprobe, table[0].LicenceFile = top+"/bin/ffmpeg.exe", top+"/bin/ffprobe.exe", top+"/LICENSE.txt"
	table[0].Size = int64(len(archive))
	srv := toolgettest.Serve(t, archive, 0)

	// Nothing else to find: not named, not on PATH; the data folder is the
	// real one (the check starts from a clean prefix).
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	t.Setenv(media.DataDirEnv, "")
	t.Setenv("PATH", os.Getenv("SystemRoot"))
	data, err := media.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	local := os.Getenv("LOCALAPPDATA")
	if local == "" || !strings.HasPrefix(strings.ToLower(data), strings.ToLower(local)+`\`) {
		t.Fatalf("the data folder %s is not under %%LOCALAPPDATA%% (%s)", data, local)
	}
	if _, err := os.Stat(filepath.Join(data, "ffmpeg")); err == nil {
		t.Fatalf("%s\\ffmpeg is there already: the check starts from a clean prefix", data)
	}
	if _, err := media.Find(); err == nil {
		t.Fatal("Find found an ffmpeg before the download")
	}

	var last int64
	installed, err := toolget.Install(context.Background(), toolget.Options{Builds: table, BaseURL: srv.URL,
		Progress: func(done, _ int64) { last = done }})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(data, "ffmpeg")
	if installed.FFmpeg != filepath.Join(dir, "ffmpeg.exe") || installed.FFprobe != filepath.Join(dir, "ffprobe.exe") || !installed.Downloaded || installed.Major < 5 {
		t.Errorf("installed %+v", installed)
	}
	if last != int64(len(archive)) {
		t.Errorf("progress ended at %d of %d bytes", last, len(archive))
	}
	found, err := media.Find()
	if err != nil {
		t.Fatal(err)
	}
	if found.FFmpeg != installed.FFmpeg || !found.Downloaded || found.Major != installed.Major {
		t.Errorf("Find after install: %+v", found)
	}
	_, _, line, err := found.Version(context.Background())
	if err != nil || !strings.HasPrefix(line, "ffmpeg version ") {
		t.Errorf("the downloaded ffmpeg.exe says %q (%v)", line, err)
	}
	if n := srv.Requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	t.Logf("downloaded, verified and unpacked into %s: %s", dir, line)
}
