package main

import (
	"context"
	"os"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// TestWindowsSampleSave checks, with this computer's ffmpeg, the MP4 that
// the Windows exe saved from the built-in sample under Wine (`make
// check-windows` sets RR_WINDOWS_DEMO): all of it, every frame, and each
// flash's beep within 40 ms (the demo fixes the sample's 2 s audio lead).
func TestWindowsSampleSave(t *testing.T) {
	out := os.Getenv("RR_WINDOWS_DEMO")
	if out == "" {
		t.Skip("RR_WINDOWS_DEMO is not set: make check-windows sets it")
	}
	tools, err := media.Find()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := tools.Probe(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	// The demo moves the sound 2 s later, so the first 2 s of picture have
	// no sound and are left out: 1:58 remain.
	length := demoLength - 2*time.Second
	v, _ := info.Stream("video")
	if (v.Duration-length).Abs() > 100*time.Millisecond || v.Width != 640 {
		t.Errorf("video %v %dpx wide, want %v, 640", v.Duration, v.Width, length)
	}
	if _, ok := info.Stream("audio"); !ok {
		t.Error("no audio")
	}
	want := int(length.Seconds() * 30)
	if n, err := tools.PresentedFrames(ctx, out); err != nil || n != want {
		t.Errorf("%d frames shown (%v), want %d", n, err, want)
	}
	flashes, beeps, err := tools.SyncMarkers(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if want := int(length / (5 * time.Second)); len(flashes) != want {
		t.Errorf("flashes at %v, want %d", flashes, want)
	}
	for _, f := range flashes {
		if f < 2500*time.Millisecond {
			continue // its beep came before the broadcast began
		}
		gap := time.Hour
		for _, b := range beeps {
			gap = min(gap, (b - f).Abs())
		}
		if gap > 40*time.Millisecond {
			t.Errorf("flash at %v: nearest beep %v away, want within 40ms", f, gap)
		}
	}
	t.Logf("%s: %v, %d flashes, each beep within 40 ms", out, v.Duration, len(flashes))
}

// TestMakeWindowsSample makes the built-in sample with this computer's
// ffmpeg and the mpeg4 encoder, in RR_WINDOWS_SAMPLE_CACHE (the Wine
// prefix's %LOCALAPPDATA%\replayrescue\sample), exactly as the Windows exe
// would make it with an LGPL ffmpeg that has no H.264 encoder, for the
// demo and the window's sample of `make check-windows` (the small
// ffmpeg.exe built for that check leaves out lavfi's test sources' raw audio
// decoder).
func TestMakeWindowsSample(t *testing.T) {
	dir := os.Getenv("RR_WINDOWS_SAMPLE_CACHE")
	if dir == "" {
		t.Skip("RR_WINDOWS_SAMPLE_CACHE is not set: make check-windows sets it")
	}
	tools, err := media.Find()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{demoLength} { // the window's sample is as long
		m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Encoder: "mpeg4", Duration: d, CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v sample in %s", d, m.Dir)
	}
}
