package app

import (
	"context"
	"encoding/binary"
	"image"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"replayrescue/app/internal/backend"
	"replayrescue/core/player"
	"replayrescue/core/sample"
)

// heard is what a test listener hears: the sound the player gave the
// (recording) sound output.
type heard struct {
	mu  sync.Mutex
	pcm []byte
}

func (h *heard) keep(b []byte) {
	h.mu.Lock()
	h.pcm = append(h.pcm, b...)
	h.mu.Unlock()
}

// now is how much has been heard.
func (h *heard) now() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Duration(len(h.pcm)/4) * time.Second / player.SampleRate
}

// beeps are where the sample's loud beeps start in what was heard.
func (h *heard) beeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []time.Duration
	last := -time.Hour
	for i := 0; i+4 <= len(h.pcm); i += 4 {
		if v := int16(binary.LittleEndian.Uint16(h.pcm[i:])); v > 8000 || v < -8000 {
			at := time.Duration(i/4) * time.Second / player.SampleRate
			if at-last > time.Second {
				out = append(out, at)
			}
			last = at
		}
	}
	return out
}

func white(img image.Image) bool {
	rgba, ok := img.(*image.RGBA)
	if !ok {
		return false
	}
	var sum int
	for i := 0; i < len(rgba.Pix); i += 4 {
		sum += int(rgba.Pix[i]) + int(rgba.Pix[i+1]) + int(rgba.Pix[i+2])
	}
	return sum/(len(rgba.Pix)/4*3) > 230
}

// sampleOnEditScreen downloads a 15-s loopback sample (3-s chunks) through
// the real app and core, and opens its edit screen.
func sampleOnEditScreen(t *testing.T) (*harness, *backend.Core) {
	t.Helper()
	if testing.Short() {
		t.Skip("makes and downloads a sample broadcast with ffmpeg")
	}
	be := backend.NewCore(backend.ToolsSource{})
	tools, err := be.Tools()
	if err != nil {
		t.Skipf("ffmpeg is not installed: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 15 * time.Second,
		ChunkDuration: 3 * time.Second, Width: 320, Height: 180, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m, NoCookies: true, BroadcastID: "appEdit", Chat: []sample.ChatMessage{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	found, err := be.Resolve(context.Background(), srv.PlaylistURL())
	if err != nil || len(found) != 1 || !found[0].Ready {
		t.Fatalf("the sample: %v, %v", found, err)
	}
	h := newHarness(t, nil)
	h.u.backend = be
	h.u.checkTools()
	h.u.showFound(found)
	test.Tap(h.u.found.download)
	h.q.until(t, "the download to finish", func() bool { return h.u.screen == screenEdit || h.u.dl.probBox.Visible() }, 2*time.Minute)
	if h.u.screen != screenEdit {
		t.Fatalf("download failed: %s", h.u.dl.problem.Text)
	}
	return h, be
}

// The edit screen plays the sample with its sound, through the real app
// code and core: Play (the space bar) shows each flash when its beep is
// heard, as moved by the sync slider (the sample's sound runs 2 s early),
// and moving the slider while it plays is heard at once. A recording stands
// in for the sound card; its clock runs at half speed so a loaded machine
// keeps every picture.
func TestEditScreenPlaysWithSound(t *testing.T) {
	h, be := sampleOnEditScreen(t)
	e := h.u.edit
	const lead = 2 * time.Second
	play := func(t *testing.T, offset time.Duration, during func(at time.Duration)) (flashes, beeps []time.Duration) {
		rec := &heard{}
		be.UseSound(&player.Clock{Keep: rec.keep, Speed: 0.5}, false)
		e.player = nil // a new player, into the new recording
		e.setOffset(offset)
		e.typed(endHandle, 10500*time.Millisecond)
		e.typed(startHandle, 4*time.Second)
		h.u.onTypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if !e.playing() || e.play.Text != "Pause" {
			t.Fatalf("Space did not start playing (%q)", e.previewNote.Text)
		}
		var shown image.Image
		h.q.until(t, "the end handle", func() bool {
			if img := e.preview.Image; img != shown {
				shown = img
				if at := rec.now(); white(img) && (len(flashes) == 0 || at-flashes[len(flashes)-1] > time.Second) {
					flashes = append(flashes, at)
				}
			}
			if during != nil {
				during(e.cursor)
			}
			return !e.playing()
		}, time.Minute)
		if e.play.Text != "Play" {
			t.Errorf("after the end the button says %q", e.play.Text)
		}
		return flashes, rec.beeps()
	}
	check := func(t *testing.T, flashes, beeps []time.Duration, offsetAt func(time.Duration) time.Duration) {
		if len(flashes) != 2 {
			t.Fatalf("flashes shown at %v of sound, want 2 (5 s and 10 s)", flashes)
		}
		for _, f := range flashes {
			want := f - lead + offsetAt(f)
			ok := false
			for _, b := range beeps {
				ok = ok || (b-want).Abs() <= 40*time.Millisecond
			}
			if !ok && want >= 0 {
				t.Errorf("the flash shown at %v of sound has no beep at %v (beeps at %v)", f, want, beeps)
			}
		}
	}
	for _, offset := range []time.Duration{0, lead, -500 * time.Millisecond} {
		t.Run("offset="+offset.String(), func(t *testing.T) {
			flashes, beeps := play(t, offset, nil)
			check(t, flashes, beeps, func(time.Duration) time.Duration { return offset })
		})
	}
	t.Run("slider moved while playing", func(t *testing.T) {
		moved := false
		flashes, beeps := play(t, 0, func(at time.Duration) {
			if !moved && at > 7*time.Second {
				moved = true
				e.offset.SetValue(float64(lead / offsetStep)) // as a drag of the slider does
			}
		})
		check(t, flashes, beeps, func(f time.Duration) time.Duration {
			if f < 3*time.Second { // the flash at 5 s: before the move
				return 0
			}
			return lead
		})
	})
}
