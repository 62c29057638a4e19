package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"replayrescue/app/internal/backend"
)

// Screenshot mode: REPLAYRESCUE_SCREEN=start|found|download|edit|play|render|done
// (and parts, a talk in several parts; error-de, a dead link on the start
// screen in German; and the dialogs help|settings|about|ffmpeg|expired|
// capture|open, the last Open HAR file's) opens the window on that screen with made-up data and no
// network or ffmpeg, so each screen can be captured under Xvfb for docs and
// reviews.

// openDemoScreen drives the window u to screen name the way a user would,
// from outside, as the tests do.
func openDemoScreen(u *ui, name string) {
	be := u.backend.(*demoBackend)
	cands, _ := be.Resolve(context.Background(), "")
	switch name {
	case "error-de":
		// A link whose video is gone, pasted into the German window (not
		// saved as the language setting).
		u.useLanguage("de")
		be.dead = true
		u.start.paste.SetText("https://video.example.com/replay/talk-3f9a.m3u8")
		u.start.onFind()
	case "help":
		u.showHelp(helpLink)
	case "open":
		u.start.onOpenHAR()
	case "settings":
		newSettingsDialog(u).show()
	case "about":
		newAboutBox(u).show()
	case "ffmpeg":
		hint, err := backend.MissingToolsExample(runtime.GOOS)
		newToolsDialog(u, hint, err).show()
	case "expired":
		u.found.startDownload(cands[:1])
		u.dl.showExpired()
	case "found":
		u.showFound(cands)
	case "parts":
		// A talk whose first two broadcasts are kept, the third being chosen.
		u.parts = []backend.Candidate{cands[0], cands[1]}
		u.found.parts.refresh()
		u.showFound(cands)
	case "capture":
		be.holdCapture = true
		u.start.onCapture()
	case "download":
		u.found.startDownload(cands[:1])
	case "edit", "play", "render", "done":
		be.complete = true
		u.found.startDownload(cands[:1])
		if name == "play" {
			go func() {
				time.Sleep(300 * time.Millisecond)
				u.bridge.show(func() {
					if u.edit != nil {
						u.edit.cursor = 37 * time.Second
						u.edit.onPlayPause()
					}
				})
			}()
		}
		if name != "edit" && name != "play" {
			// startDownload finished synchronously only in tests; here the
			// download ends on a goroutine, so wait for the edit screen.
			go func() {
				time.Sleep(300 * time.Millisecond)
				u.bridge.show(func() {
					if name == "done" {
						be.finishRender = true
					}
					if u.edit != nil {
						u.edit.saveTo(filepath.Join(os.TempDir(), backend.FileName(cands[0].Title, lang.L("replay"))), true)
					}
				})
			}()
		}
	}
}

// demoBackend pretends: two candidates, a download frozen at 38%, pictures
// drawn in Go, a render frozen at 63% (or finished).
type demoBackend struct {
	complete     bool
	finishRender bool
	holdCapture  bool // the browser never finds anything: the wait dialog stays
	dead         bool // the link's video is gone
}

func newDemoBackend() *demoBackend { return &demoBackend{} }

func (b *demoBackend) FindTools() (string, error) { return "", nil }

// Capture stands in for the browser: it finds what a HAR file would.
func (b *demoBackend) Capture(ctx context.Context, browser, page string) ([]backend.Candidate, error) {
	if b.holdCapture {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return b.Resolve(ctx, "")
}

func (b *demoBackend) About() backend.ToolsAbout {
	return backend.ToolsAbout{Path: "/usr/bin/ffmpeg", Version: "ffmpeg version 7.1", Licence: "GNU LGPL version 2.1 or later"}
}

// The ffmpeg screen shows the download question where the app can download.
func (b *demoBackend) ToolsDownload() (int64, bool) { return 140 << 20, runtime.GOOS != "linux" }

func (b *demoBackend) InstallTools(ctx context.Context, progress func(done, total int64)) error {
	progress(52<<20, 140<<20)
	<-ctx.Done()
	return ctx.Err()
}

func (b *demoBackend) ToolsLicence() (string, bool) {
	return "FFmpeg 7.1.5, built by BtbN/FFmpeg-Builds, is free software under the LGPL-3.0-or-later licence.", true
}

func (b *demoBackend) Resolve(context.Context, string) ([]backend.Candidate, error) {
	if b.dead {
		// What the core says of a playlist its host answers 404 for, in
		// the window's language as backend.Explain says it.
		return []backend.Candidate{{Problem: lang.L("The video host says this video is not there (any more): check that you copied the whole link, or get a fresh one from the page where the replay plays.")}}, nil
	}
	return []backend.Candidate{
		{Title: "Saving live streams before they vanish (keynote)", From: "HAR entry 41", Duration: 42*time.Minute + 10*time.Second,
			Quality: "1280x720", Chunks: 844, Ready: true},
		{Title: "Saving live streams before they vanish (keynote)", From: "HAR entry 40", Duration: 42*time.Minute + 10*time.Second,
			Quality: "640x360", Chunks: 844, Ready: true},
		{Title: "Saving live streams before they vanish (keynote)", From: "HAR entry 12", Duration: 42*time.Minute + 10*time.Second,
			Quality: "640x360", Chunks: 844, Ready: false, Code: backend.ExitCredentials,
			Problem: "The video host refused access because no cookies were given: use a HAR file exported from your browser with sensitive data, or give your browser's cookies (--cookies on the command line)."},
	}, nil
}

func (b *demoBackend) Sample(ctx context.Context) (backend.Candidate, func(), error) {
	c, _ := b.Resolve(ctx, "")
	c[0].Title, c[0].From = lang.L("Sample talk"), lang.L("built-in sample")
	return c[0], func() {}, nil
}

func (b *demoBackend) Open(c backend.Candidate, _ backend.OpenOptions, events func(backend.Event)) (backend.JobRunner, error) {
	return &demoJob{b: b, c: c, events: events}, nil
}

// OpenParts pretends too: the screenshots show one broadcast.
func (b *demoBackend) OpenParts(cs []backend.Candidate, o backend.OpenOptions, events func(backend.Event)) (backend.JobRunner, error) {
	return b.Open(cs[0], o, events)
}

type demoJob struct {
	b      *demoBackend
	c      backend.Candidate
	events func(backend.Event)
}

func (j *demoJob) Load(context.Context) error {
	j.events(backend.Found{Title: j.c.Title, Chunks: j.c.Chunks, Duration: j.c.Duration, Quality: j.c.Quality, Ended: true})
	return nil
}

func (j *demoJob) Download(ctx context.Context) error {
	if j.b.complete {
		j.events(backend.Progress{Done: j.c.Chunks, Total: j.c.Chunks, Bytes: 612 << 20})
		return nil
	}
	j.events(backend.Progress{Done: 321, Total: j.c.Chunks, Bytes: 233 << 20, Speed: 6.4 * (1 << 20), ETA: 61 * time.Second, Resumed: 40})
	<-ctx.Done()
	return ctx.Err()
}

func (j *demoJob) Render(ctx context.Context, s backend.Settings) error {
	end := s.End
	if end == 0 {
		end = j.c.Duration
	}
	want := end - s.Start
	if j.b.finishRender {
		j.events(backend.Done{Output: s.Output, Duration: want, Size: 590 << 20})
		return nil
	}
	j.events(backend.Rendering{Done: want * 63 / 100, Total: want})
	<-ctx.Done()
	return ctx.Err()
}

func (j *demoJob) Frame(ctx context.Context, at time.Duration, maxWidth int) ([]byte, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, demoFrame(at, j.c.Duration, maxWidth))
	return buf.Bytes(), err
}

func (j *demoJob) HasChat() bool { return true }

// Chat is a small audience for the screenshots.
func (j *demoJob) Chat(ctx context.Context) ([]backend.ChatMessage, error) {
	var out []backend.ChatMessage
	who := []string{"Ana 🌸", "Kenji", "Léa Müller", "Samir", "Olga"}
	said := []string{"Hello from Lisbon!", "Is the sound OK?", "Great point about plural rules", "Question: how do you test translations?", "Slides link please"}
	for i := range 40 {
		out = append(out, backend.ChatMessage{At: time.Duration(i)*37*time.Second + 12*time.Second, Name: who[i%len(who)], Text: said[i%len(said)], Kind: backend.ChatComment})
	}
	return out, nil
}

func (j *demoJob) Duration() time.Duration { return j.c.Duration }
func (j *demoJob) Title() string           { return j.c.Title }
func (j *demoJob) Dir() string             { return filepath.Join(os.TempDir(), "replayrescue-demo") }
func (j *demoJob) Cleanup() error          { return nil }
func (j *demoJob) Plan(ctx context.Context, s backend.Settings) (backend.Plan, error) {
	return backend.Plan{Start: s.Start.Truncate(3 * time.Second), AudioGap: 2 * time.Second}, nil
}

// demoFrame draws a stage: a slide with bullet lines and a speaker, the
// slide changing colour every few minutes so the film strip varies.
func demoFrame(at, total time.Duration, width int) image.Image {
	w := max(min(width, 960), 64)
	h := w * 9 / 16
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	slide := int(at / (4 * time.Minute))
	hue := float64(slide%6) / 6
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.Set(x, y, c)
			}
		}
	}
	// Stage: a dark gradient.
	for y := range h {
		v := uint8(30 + 25*y/h)
		fill(0, y, w, y+1, color.RGBA{v, v, v + 10, 255})
	}
	// Slide.
	sx0, sy0, sx1, sy1 := w/12, h/10, w*8/12, h*7/10
	fill(sx0, sy0, sx1, sy1, color.RGBA{245, 245, 240, 255})
	r, g, bl := hsv(hue, 0.6, 0.85)
	fill(sx0, sy0, sx1, sy0+(sy1-sy0)/5, color.RGBA{r, g, bl, 255})
	for i := range 4 {
		y := sy0 + (sy1-sy0)*(2+i)/7
		fill(sx0+w/40, y, sx0+w/40+(sx1-sx0)*(5-i)/7, y+max(h/60, 2), color.RGBA{90, 90, 100, 255})
	}
	// Speaker: head and shoulders, walking slowly across the stage.
	cx := w*9/12 + int(float64(w/12)*math.Sin(at.Seconds()/20))
	cy := h * 6 / 10
	rad := h / 14
	for y := cy - rad; y < cy+rad; y++ {
		for x := cx - rad; x < cx+rad; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < rad*rad {
				fill(x, y, x+1, y+1, color.RGBA{230, 190, 160, 255})
			}
		}
	}
	fill(cx-rad*2, cy+rad+2, cx+rad*2, h, color.RGBA{50, 80, 140, 255})
	// Progress line at the bottom, like a player's.
	if total > 0 {
		fill(0, h-max(h/90, 2), int(float64(w)*at.Seconds()/total.Seconds()), h, color.RGBA{r, g, bl, 255})
	}
	return img
}

func hsv(h, s, v float64) (uint8, uint8, uint8) {
	i := math.Floor(h * 6)
	f := h*6 - i
	p, q, t := v*(1-s), v*(1-f*s), v*(1-(1-f)*s)
	var r, g, b float64
	switch int(i) % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return uint8(r * 255), uint8(g * 255), uint8(b * 255)
}

// Player plays the demo job as a still: the picture at the start, and
// playing until stopped (for pictures of the edit screen while it plays).
func (b *demoBackend) Player(j backend.JobRunner, show func(image.Image, time.Duration), _ func(time.Duration, error)) (backend.Playback, bool, error) {
	return &stillPlayback{picture: func(at time.Duration) image.Image { return demoFrame(at, j.Duration(), 960) }, show: show}, false, nil
}

// stillPlayback stands in for the player without ffmpeg or sound: Play
// shows the picture at its start and plays until stopped.
type stillPlayback struct {
	picture func(at time.Duration) image.Image
	show    func(image.Image, time.Duration)

	mu      sync.Mutex
	playing bool
	at      time.Duration
	offset  time.Duration
	plays   []time.Duration // where each Play started
}

func (p *stillPlayback) Play(from, to time.Duration) error {
	p.mu.Lock()
	p.playing, p.at = true, from
	p.plays = append(p.plays, from)
	p.mu.Unlock()
	go p.show(p.picture(from), from)
	return nil
}

func (p *stillPlayback) Stop() {
	p.mu.Lock()
	p.playing = false
	p.mu.Unlock()
}

func (p *stillPlayback) SetOffset(d time.Duration) error {
	p.mu.Lock()
	p.offset = d
	p.mu.Unlock()
	return nil
}

func (p *stillPlayback) Position() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.at
}

func (p *stillPlayback) Playing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.playing
}
