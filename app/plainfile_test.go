package app

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"replayrescue/app/internal/backend"
	"replayrescue/core/player"
)

// A link to a plain video file (an .mp4 with its index at its end, served
// on loopback by ranges), through the real app and core: before the
// download the found screen says its size and that its length comes once
// it is downloaded (never 0:00); after it, the edit screen's length, end
// handle and end time are the file's length as ffprobe tells it, and the
// big picture and every thumbnail show a picture.
func TestPlainFileShowsItsRealLength(t *testing.T) {
	if testing.Short() {
		t.Skip("makes and downloads a video file with ffmpeg")
	}
	be := backend.NewCore(backend.ToolsSource{})
	tools, err := be.Tools()
	if err != nil {
		t.Skipf("ffmpeg is not installed: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "talk.mp4")
	cmd := exec.Command(tools.FFmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=23", "-f", "lavfi", "-i", "sine=f=440:d=23",
		"-c:v", "libx264", "-c:a", "aac", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "talk.mp4", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	info, err := tools.Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}

	found, err := be.Resolve(context.Background(), srv.URL+"/talks/talk.mp4")
	if err != nil || len(found) != 1 || !found[0].Ready {
		t.Fatalf("the file: %v, %v", found, err)
	}
	h := newHarness(t, nil)
	h.u.backend = be
	h.u.checkTools()
	// One video found: its download starts at once, saying what it is.
	h.u.showFound(found)
	size := h.u.num.size(int64(len(data)))
	for what, said := range map[string]string{"found": h.u.found.rows[0].details.Text, "download": h.u.dl.about.Text} {
		if !strings.Contains(said, size) || !strings.Contains(said, "once it is downloaded") || strings.Contains(said, "0:00") {
			t.Errorf("the %s screen says %q, want the file's size (%s) and that its length comes with the download", what, said, size)
		}
	}
	h.q.until(t, "the download to finish", func() bool { return h.u.screen == screenEdit || h.u.dl.probBox.Visible() }, 2*time.Minute)
	if h.u.screen != screenEdit {
		t.Fatalf("download failed: %s", h.u.dl.problem.Text)
	}
	e := h.u.edit
	want := backend.FormatClock(info.Duration)
	if e.total != info.Duration || e.trim.End() != info.Duration || e.endEntry.Text != want {
		t.Errorf("edit screen: length %v, end handle %v, end time %q; ffprobe says %v (%s)", e.total, e.trim.End(), e.endEntry.Text, info.Duration, want)
	}
	h.q.until(t, "the pictures", func() bool {
		if e.preview.Image == nil {
			return false
		}
		for _, img := range e.trim.thumbs {
			if img == nil {
				return false
			}
		}
		return true
	}, time.Minute)
	if !strings.Contains(e.length.Text, want) {
		t.Errorf("the edit screen says %q, want the length %s", e.length.Text, want)
	}
	if !strings.Contains(h.u.dl.about.Text, "23 s") {
		t.Errorf("the download screen ends saying %q, want the length", h.u.dl.about.Text)
	}

	// It plays from the start handle; paused, the big picture follows
	// the handles again (it once stayed "Loading…" after playing).
	be.UseSound(&player.Clock{Keep: func([]byte) {}, Speed: 1}, false)
	e.typed(startHandle, 10*time.Second)
	h.u.onTypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if !e.playing() {
		t.Fatalf("Space did not start playing (%q)", e.previewNote.Text)
	}
	h.q.until(t, "a played picture", func() bool { return e.cursor > 10500*time.Millisecond }, time.Minute)
	h.u.onTypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	e.typed(startHandle, 20*time.Second)
	h.q.until(t, "the picture at the start handle", func() bool { return e.previewNote.Text == "Picture at 0:20" }, time.Minute)
}
