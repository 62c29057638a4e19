package toolget

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"replayrescue/core/media"
)

// The fake archives are packed like BtbN's: one top folder holding bin/
// with the programs and LICENSE.txt. The programs are shell scripts that
// answer -version the way the real ones do.
const fakeTop = "ffmpeg-n7.1-win64-lgpl-7.1"

type fakeArchive struct {
	version    string // what the stand-in ffmpeg says it is
	noFFprobe  bool
	noLicence  bool
	extraBytes int // padding, so progress has something to report
}

func (f fakeArchive) bytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string, mode os.FileMode) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add(fakeTop+"/bin/ffmpeg", "#!/bin/sh\necho 'ffmpeg version "+f.version+" Copyright (c) 2000-2024 the FFmpeg developers'\necho 'built with gcc 14'\n", 0o755)
	if !f.noFFprobe {
		add(fakeTop+"/bin/ffprobe", "#!/bin/sh\necho 'ffprobe version "+f.version+" Copyright (c) 2007-2024 the FFmpeg developers'\n", 0o755)
	}
	if !f.noLicence {
		add(fakeTop+"/LICENSE.txt", "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n", 0o644)
	}
	if f.extraBytes > 0 {
		// Stored, not deflated, so the archive really is this big.
		h := &zip.FileHeader{Name: fakeTop + "/doc/padding.bin", Method: zip.Store}
		w, _ := zw.CreateHeader(h)
		w.Write(bytes.Repeat([]byte{'x'}, f.extraBytes))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// server serves body as the archive; truncate > 0 announces the full length
// but sends only that many bytes. It counts requests.
type server struct {
	*httptest.Server
	requests atomic.Int32
}

func serve(t *testing.T, body []byte, truncate int) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if r.URL.Path != "/builds/fake.zip" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if truncate > 0 {
			w.Write(body[:truncate]) // the server drops the connection after a short body
			return
		}
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// table is a one-entry table for this computer whose hash is sum.
func table(sum []byte) []Build {
	return []Build{{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Version: "7.1", Distributor: "test builds",
		Base: "https://example.invalid/never-used", Path: "builds/fake.zip",
		SHA256: hex.EncodeToString(sum), Size: 1 << 20, Licence: "LGPL-3.0-or-later",
		FFmpeg: fakeTop + "/bin/ffmpeg", FFprobe: fakeTop + "/bin/ffprobe", LicenceFile: fakeTop + "/LICENSE.txt",
	}}
}

func hashOf(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func needShell(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in tools are shell scripts")
	}
}

// options point Install at srv with a fresh data folder, which Find is
// also told to use.
func options(t *testing.T, srv *server, builds []Build) Options {
	t.Helper()
	data := t.TempDir()
	t.Setenv(media.DataDirEnv, data)
	t.Setenv("REPLAYRESCUE_FFMPEG", "")
	t.Setenv("REPLAYRESCUE_FFPROBE", "")
	return Options{Builds: builds, BaseURL: srv.URL, DataDir: data}
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
	needShell(t)
	archive := fakeArchive{version: "7.1", extraBytes: 300 << 10}.bytes(t)
	srv := serve(t, archive, 0)
	o := options(t, srv, table(hashOf(archive)))
	var calls int
	var last, total int64
	o.Progress = func(done, tot int64) { calls++; last, total = done, tot }

	tools, err := Install(context.Background(), o)
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
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	info, ok := Installed(o.DataDir)
	if !ok || info.Version != "7.1" || info.SHA256 != o.Builds[0].SHA256 || !strings.HasPrefix(info.URL, srv.URL) {
		t.Errorf("recorded build: %+v %v", info, ok)
	}
	text, ok := Licence(o.DataDir)
	if !ok || !strings.Contains(text, "LGPL-3.0-or-later") || !strings.Contains(text, "GNU LESSER GENERAL PUBLIC LICENSE") || !strings.Contains(text, "test builds") {
		t.Errorf("licence text: %q", text)
	}
}

func TestInstallRefusesAndLeavesNothing(t *testing.T) {
	needShell(t)
	good := fakeArchive{version: "7.1"}.bytes(t)
	cases := []struct {
		name     string
		body     []byte
		sum      []byte
		truncate int
		want     string
	}{
		{"hash mismatch", good, hashOf(append([]byte("other"), good...)), 0, "not the one Replay Rescue expects"},
		{"truncated download", good, hashOf(good), len(good) / 2, "broke off before the end"},
		{"no ffprobe", fakeArchive{version: "7.1", noFFprobe: true}.bytes(t), nil, 0, "does not contain ffprobe"},
		{"too old", fakeArchive{version: "4.2"}.bytes(t), nil, 0, "version 4.2, older than Replay Rescue can use"},
		{"not a zip", []byte("<html>maintenance</html>"), nil, 0, "could not be opened"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sum := c.sum
			if sum == nil {
				sum = hashOf(c.body)
			}
			srv := serve(t, c.body, c.truncate)
			o := options(t, srv, table(sum))
			_, err := Install(context.Background(), o)
			var te *Error
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
	needShell(t)
	good := fakeArchive{version: "7.1"}.bytes(t)
	srv := serve(t, good, 0)
	o := options(t, srv, table(hashOf(good)))
	if _, err := Install(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	o.Builds = table(hashOf([]byte("something else")))
	if _, err := Install(context.Background(), o); err == nil {
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
	good := fakeArchive{version: "7.1"}.bytes(t)
	srv := serve(t, good, 0)
	unverified := table(nil)
	unverified[0].SHA256 = ""
	for _, builds := range [][]Build{unverified, {}} {
		o := options(t, srv, builds)
		_, err := Install(context.Background(), o)
		var te *Error
		if !errors.As(err, &te) || !strings.HasPrefix(te.Msg, "This version of Replay Rescue has no verified ffmpeg download for this computer yet: ") {
			t.Errorf("err = %v", err)
		}
		if _, ok := Lookup(o); ok {
			t.Error("Lookup offers a build without a hash")
		}
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("%d requests for builds that are not verified", n)
	}
}

func TestOnlyHTTPSOrLoopback(t *testing.T) {
	o := Options{Builds: table(hashOf(nil)), BaseURL: "http://downloads.example.com", DataDir: t.TempDir()}
	_, err := Install(context.Background(), o)
	var te *Error
	if !errors.As(err, &te) || !strings.Contains(te.Msg, "not a safe one") {
		t.Errorf("plain http to another host: %v", err)
	}
}

func TestCancelledInstall(t *testing.T) {
	good := fakeArchive{version: "7.1"}.bytes(t)
	srv := serve(t, good, 0)
	o := options(t, srv, table(hashOf(good)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Install(ctx, o)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was installed") {
		t.Errorf("err = %v", err)
	}
	assertNothingInstalled(t, o.DataDir)
}

func TestDefaultBuilds(t *testing.T) {
	for _, b := range DefaultBuilds() {
		if len(b.SHA256) != 64 || strings.Trim(b.SHA256, "0123456789abcdef") != "" {
			t.Errorf("%s/%s: the hash %q is not a SHA-256 in lower-case hex", b.GOOS, b.GOARCH, b.SHA256)
		}
		if !strings.HasPrefix(b.Base, "https://") || !strings.HasSuffix(b.Path, ".zip") || b.FFmpeg == "" || b.FFprobe == "" || b.Licence == "" || b.Size <= 0 {
			t.Errorf("%s/%s: incomplete entry %+v", b.GOOS, b.GOARCH, b)
		}
	}
	if _, ok := Lookup(Options{GOOS: "windows", GOARCH: "amd64"}); !ok {
		t.Error("no download for Windows")
	}
}
