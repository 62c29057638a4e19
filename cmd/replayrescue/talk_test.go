package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/sample"
)

// servePart makes one sample broadcast and serves it on loopback: its
// playlist link and its length.
func servePart(t *testing.T, tools media.Tools, id string, length, lead time.Duration, w, h int) (string, time.Duration) {
	t.Helper()
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: length,
		ChunkDuration: 2 * time.Second, AudioLead: lead, NoLead: lead == 0, Width: w, Height: h})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, NoCookies: true, BroadcastID: id, Chat: []sample.ChatMessage{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.PlaylistURL(), m.Duration
}

// TestSaveSeveralPartsCrossfade: save A B --crossfade 0.5s is shorter by
// the fade, picture and sound alike.
func TestSaveSeveralPartsCrossfade(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	tools, err := media.Find()
	if err != nil {
		t.Skip("ffmpeg not found")
	}
	a, da := servePart(t, tools, "cliFadeA", 6*time.Second, 0, 320, 180)
	b, db := servePart(t, tools, "cliFadeB", 4*time.Second, 0, 320, 180)
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	code, _, stderr := runCLI(t, "", "save", "-o", out, a, b, "--crossfade", "0.5s", "--work", filepath.Join(dir, "job"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	want := da + db - 500*time.Millisecond
	v, _ := info.Stream("video")
	s, ok := info.Stream("audio")
	if (v.Duration-want).Abs() > time.Second/30 || !ok || (s.Duration-want).Abs() > 50*time.Millisecond {
		t.Errorf("video %v, sound %v, want both %v", v.Duration, s.Duration, want)
	}
}

// TestSaveSeveralParts: save -o talk.mp4 A B C --audio-offset 2s,0,-0.3s
// joins three broadcasts (the middle one smaller) into one video in sync.
func TestSaveSeveralParts(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	tools, err := media.Find()
	if err != nil {
		t.Skip("ffmpeg not found")
	}
	leads := []time.Duration{2 * time.Second, 0, -300 * time.Millisecond}
	lengths := []time.Duration{12 * time.Second, 10 * time.Second, 8 * time.Second}
	var urls []string
	var total time.Duration
	for i, lead := range leads {
		w, h := 640, 360
		if i == 1 {
			w, h = 480, 270
		}
		url, d := servePart(t, tools, fmt.Sprintf("cliPart%d", i+1), lengths[i], lead, w, h)
		urls = append(urls, url)
		total += d
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "talk.mp4")
	args := append([]string{"save", "-o", out}, urls...)
	args = append(args, "--audio-offset", "2s,0,-0.3s", "--json", "--work", filepath.Join(dir, "job"))
	code, stdout, stderr := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	found := map[float64]bool{}
	for _, ev := range ndjson(t, stdout) {
		if ev["event"] == "found" {
			part, _ := ev["part"].(float64)
			found[part] = true
		}
	}
	if !found[1] || !found[2] || !found[3] {
		t.Errorf("found events for parts %v, want 1, 2 and 3", found)
	}
	for i := 1; i <= 3; i++ {
		if !strings.Contains(stderr, fmt.Sprintf("Part %d: Found", i)) {
			t.Errorf("stderr does not say part %d was found:\n%s", i, stderr)
		}
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := info.Stream("video"); (v.Duration-total).Abs() > 100*time.Millisecond || v.Width != 640 {
		t.Errorf("video %v %dpx wide, want %v, 640", v.Duration, v.Width, total)
	}
	flashes, beeps, err := tools.SyncMarkers(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	// Flashes at 0, 5, 10 in part 1; 0, 5 in part 2 (at 12 s); 0, 5 in part 3 (at 22 s).
	if len(flashes) != 7 {
		t.Errorf("flashes at %v, want 7", flashes)
	}
	for _, f := range flashes {
		if f < 2500*time.Millisecond {
			continue // its beep came before the first broadcast began
		}
		gap := time.Hour
		for _, b := range beeps {
			gap = min(gap, (b - f).Abs())
		}
		if gap > 40*time.Millisecond {
			t.Errorf("flash at %v: nearest beep %v away, want within 40ms", f, gap)
		}
	}
}
