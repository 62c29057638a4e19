package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// The whole window flow on the real core: the built-in sample broadcast is
// found, downloaded, previewed, trimmed, synced and saved, with the real
// ffmpeg. This is what a presenter does without ever seeing a terminal.
func TestSampleBroadcastEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("makes and saves the sample broadcast with ffmpeg")
	}
	be := newCoreBackend()
	if _, err := be.FindTools(); err != nil {
		t.Skipf("ffmpeg is not installed: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a fresh job folder

	h := newHarness(t, nil)
	h.u.be = be
	h.u.checkTools()
	test.Tap(h.u.start.sample)
	h.q.until(t, "the sample to be found", func() bool { return h.u.screen == screenFound || h.u.start.status.Visible() }, 3*time.Minute)
	if h.u.screen != screenFound {
		t.Fatalf("the sample was not found: %s", h.u.start.status.Text)
	}
	c := h.u.cands[0]
	if !c.Ready || c.Duration <= 0 {
		t.Fatalf("sample candidate %+v is not ready", c)
	}

	test.Tap(h.u.found.download)
	h.q.until(t, "the download to finish", func() bool { return h.u.screen == screenEdit || h.u.dl.probBox.Visible() }, 2*time.Minute)
	if h.u.screen != screenEdit {
		t.Fatalf("download failed: %s", h.u.dl.problem.Text)
	}
	e := h.u.edit
	h.q.until(t, "a preview picture", func() bool { return e.preview.Image != nil }, time.Minute)
	if b := e.preview.Image.Bounds(); b.Dx() < 100 {
		t.Errorf("preview is %v", b)
	}

	e.trim.SetRange(10*time.Second, 40*time.Second)
	e.loadPreview(10 * time.Second)
	e.setOffset(2 * time.Second)
	out := filepath.Join(t.TempDir(), defaultFileName(h.u.sess.job.Title()))
	h.u.startRender(out)
	h.q.until(t, "the video to be saved", func() bool { return h.u.rend.done.Visible() || h.u.rend.failed.Visible() }, 2*time.Minute)
	if !h.u.rend.done.Visible() {
		t.Fatalf("render failed: %s", h.u.rend.problem.Text)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() == 0 {
		t.Fatalf("no video at %s: %v", out, err)
	}
	info, err := be.tools.Probe(context.Background(), out)
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
