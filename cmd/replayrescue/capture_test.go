package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"replayrescue/core/capture"
	"replayrescue/core/sample"
)

// TestCaptureNoBrowser: with no browser installed, capture says so in one
// sentence that points to the HAR route, and exits with 2.
func TestCaptureNoBrowser(t *testing.T) {
	if _, err := capture.FindBrowser(runtime.GOOS, func(string) string { return "" }, ""); err == nil {
		t.Skip("a browser is installed in a standard place")
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("ProgramFiles", "")
	t.Setenv("LocalAppData", "")
	t.Setenv("REPLAYRESCUE_BROWSER", "")
	code, _, stderr := runCLI(t, "", "capture", "-o", filepath.Join(t.TempDir(), "talk.mp4"))
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, stderr)
	}
	oneSentence(t, stderr)
	if !strings.Contains(stderr, "No Chrome, Edge, Brave or Chromium") || !strings.Contains(stderr, "HAR file") {
		t.Errorf("message does not say what to do: %s", stderr)
	}

	code, _, stderr = runCLI(t, "", "capture", "--browser", filepath.Join(t.TempDir(), "nothing"))
	if code != 2 || !strings.Contains(stderr, "--browser") {
		t.Errorf("missing --browser: exit %d: %s", code, stderr)
	}
}

// TestCaptureSaves runs "replayrescue capture --headless URL" against the
// sample's broadcast page: the browser plays it, the replay is found, and
// the MP4 is saved.
func TestCaptureSaves(t *testing.T) {
	b, err := capture.FindBrowser(runtime.GOOS, os.Getenv, "")
	if err != nil {
		t.Skip("no Chrome, Edge, Brave or Chromium installed")
	}
	srv := startSample(t, sample.ServerOptions{})
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, stdout, stderr := runCLI(t, "", "capture", "--headless", "--browser", b.Path, "-o", out, "--work", filepath.Join(dir, "job"), srv.BroadcastURL())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "Found it: Internationalization Done Wrong (sample), 0:30") {
		t.Errorf("no \"Found it\" line with title and length: %s", stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("output: %v", err)
	}
	if strings.Contains(stdout+stderr, "CloudFront-Signature=") {
		t.Error("cookie shown in output")
	}
}
