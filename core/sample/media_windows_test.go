//go:build windows

package sample

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

var isProcessInJob = windows.NewLazySystemDLL("kernel32.dll").NewProc("IsProcessInJob")

// TestMain lets the test binary stand in for ffmpeg (RR_FAKE_FFMPEG): it
// reports whether it runs inside a job object, which a tool started the
// way core/media starts ffmpeg (console hidden, dying with the app) does.
func TestMain(m *testing.M) {
	if report := os.Getenv("RR_FAKE_FFMPEG"); report != "" {
		var in int32
		isProcessInJob.Call(uintptr(windows.CurrentProcess()), 0, uintptr(unsafe.Pointer(&in)))
		os.WriteFile(report, []byte(map[bool]string{true: "in a job", false: "not in a job"}[in != 0]), 0o600)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestSampleFFmpegStartedLikeTheOthers: making the sample (the window's
// "Try the sample broadcast") runs ffmpeg through core/media, so on Windows
// no console window flashes up and ffmpeg dies with the app. Run under Wine
// by `make check-windows`.
func TestSampleFFmpegStartedLikeTheOthers(t *testing.T) {
	// Not t.TempDir: Go's RemoveAll fails under Wine 8 ("unlinkat: Invalid
	// function"), which would fail the test for Wine's sake.
	dir, err := os.MkdirTemp("", "sample-windows-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	report := filepath.Join(dir, "report.txt")
	t.Setenv("RR_FAKE_FFMPEG", report)
	_, err = Generate(context.Background(), MediaOptions{FFmpeg: os.Args[0], CacheDir: filepath.Join(dir, "cache"), Duration: 3e9})
	if err == nil {
		t.Fatal("the stand-in ffmpeg made a sample")
	}
	got, rerr := os.ReadFile(report)
	if rerr != nil {
		t.Fatalf("the stand-in ffmpeg did not run (%v; Generate: %v)", rerr, err)
	}
	if !strings.Contains(string(got), "in a job") || strings.Contains(string(got), "not") {
		t.Errorf("the sample's ffmpeg ran %s, want in the job that makes it die with the app", got)
	}
}
