package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"replayrescue/app/internal/backend"
	"replayrescue/core/job"
	"replayrescue/core/sample"
)

// The whole window flow on the real core: the built-in sample broadcast is
// found, downloaded, previewed, trimmed, synced and saved, with the real
// ffmpeg. This is what a presenter does without ever seeing a terminal.
func TestSampleBroadcastEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("makes and saves the sample broadcast with ffmpeg")
	}
	be := backend.NewCore(backend.ToolsSource{})
	tools, err := be.Tools()
	if err != nil {
		t.Skipf("ffmpeg is not installed: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a fresh job folder

	h := newHarness(t, nil)
	h.u.backend = be
	h.u.checkTools()
	test.Tap(h.u.start.sample)
	// One ready video: no choosing, straight to its download.
	h.q.until(t, "the sample to be found", func() bool { return h.u.screen == screenDownload || h.u.start.status.Visible() }, 3*time.Minute)
	if h.u.screen != screenDownload {
		t.Fatalf("the sample was not found: %s", h.u.start.status.Text)
	}
	c := h.u.cands[0]
	if !c.Ready || c.Duration <= 0 {
		t.Fatalf("sample candidate %+v is not ready", c)
	}

	// The sample shows the download step it promises: "Connecting", then
	// the speed, seen on the screen for a while.
	seen := map[string]bool{}
	h.q.until(t, "the download to finish", func() bool {
		if h.u.screen == screenDownload {
			seen[h.u.dl.detail.Text] = true
		}
		return h.u.screen == screenEdit || h.u.dl.probBox.Visible()
	}, 2*time.Minute)
	if h.u.screen != screenEdit {
		t.Fatalf("download failed: %s", h.u.dl.problem.Text)
	}
	var speed bool
	for text := range seen {
		speed = speed || strings.Contains(text, "/s")
	}
	if !speed {
		t.Errorf("the download flashed by without a speed: %v", seen)
	}
	e := h.u.edit
	h.q.until(t, "a preview picture", func() bool { return e.preview.Image != nil }, time.Minute)
	if b := e.preview.Image.Bounds(); b.Dx() < 100 {
		t.Errorf("preview is %v", b)
	}

	e.trim.SetRange(10*time.Second, 40*time.Second)
	e.loadPreview(10 * time.Second)
	e.setOffset(2 * time.Second)
	out := filepath.Join(t.TempDir(), job.FileName(h.u.sess.job.Title(), lang.L("replay")))
	h.u.edit.saveTo(out, true)
	h.q.until(t, "the video to be saved", func() bool { return h.u.rend.done.Visible() || h.u.rend.failed.Visible() }, 2*time.Minute)
	if !h.u.rend.done.Visible() {
		t.Fatalf("render failed: %s", h.u.rend.problem.Text)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() == 0 {
		t.Fatalf("no video at %s: %v", out, err)
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	// Fast cuts land on the keyframe at or before the start, so a little
	// more than the 30 s chosen.
	if info.Duration < 29*time.Second || info.Duration > 36*time.Second {
		t.Errorf("saved %v, want about 30 s", info.Duration)
	}
	if _, ok := info.Stream("audio"); !ok {
		t.Error("the saved video has no sound")
	}
}

// The window's talk in two parts on the real core: two broadcasts served on
// loopback, the first added as a part, both downloaded, each synced on its
// own slider and saved as one video.
func TestTalkInTwoPartsEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("makes and saves sample broadcasts with ffmpeg")
	}
	be := backend.NewCore(backend.ToolsSource{})
	tools, err := be.Tools()
	if err != nil {
		t.Skipf("ffmpeg is not installed: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // fresh job folders
	var cands []backend.Candidate
	for i, lead := range []time.Duration{2 * time.Second, 0} {
		m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 10 * time.Second,
			ChunkDuration: 2 * time.Second, AudioLead: lead, NoLead: lead == 0, Width: 640 - 160*i, Height: 360 - 90*i})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := sample.Start(sample.ServerOptions{Media: m, NoCookies: true, BroadcastID: fmt.Sprintf("appPart%d", i+1), Chat: []sample.ChatMessage{}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		found, err := be.Resolve(context.Background(), srv.PlaylistURL())
		if err != nil || len(found) != 1 {
			t.Fatalf("part %d: %d candidates, %v", i+1, len(found), err)
		}
		c := found[0]
		if !c.Ready {
			t.Fatalf("part %d not ready: %s", i+1, c.Problem)
		}
		cands = append(cands, c)
	}
	h := newHarness(t, nil)
	h.u.backend = be
	h.u.checkTools()
	h.u.showFound(cands[:1])
	test.Tap(h.u.found.addPart)
	h.u.showFound(cands[1:])
	test.Tap(h.u.found.download)
	h.q.until(t, "the download to finish", func() bool { return h.u.screen == screenEdit || h.u.dl.probBox.Visible() }, 2*time.Minute)
	if h.u.screen != screenEdit {
		t.Fatalf("download failed: %s", h.u.dl.problem.Text)
	}
	e := h.u.edit
	if e.parts == nil || e.total < 19*time.Second {
		t.Fatalf("edit screen: parts %v, timeline %v, want two parts, 20 s", e.parts != nil, e.total)
	}
	e.setOffset(2 * time.Second) // part 1's sound runs 2 s early
	out := filepath.Join(t.TempDir(), "talk.mp4")
	h.u.edit.saveTo(out, true)
	h.q.until(t, "the video to be saved", func() bool { return h.u.rend.done.Visible() || h.u.rend.failed.Visible() }, 2*time.Minute)
	if !h.u.rend.done.Visible() {
		t.Fatalf("render failed: %s", h.u.rend.problem.Text)
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := info.Stream("video"); (v.Duration-20*time.Second).Abs() > 100*time.Millisecond || v.Width != 640 {
		t.Errorf("saved %v at %dpx wide, want 20 s at 640", v.Duration, v.Width)
	}
	flashes, beeps, err := tools.SyncMarkers(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	matched := 0
	for _, f := range flashes {
		if f < 2500*time.Millisecond {
			continue // its beep was before the broadcast began
		}
		for _, b := range beeps {
			if (b - f).Abs() <= 40*time.Millisecond {
				matched++
				break
			}
		}
	}
	// Flashes at 5 s in part 1, 0 s and 5 s in part 2 (at 10 s).
	if matched != 3 {
		t.Errorf("%d of the flashes at %v have their beep within 40 ms, want 3", matched, flashes)
	}
}
