package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// at is where o is on the window, laid out afresh as the driver would after
// its content changed.
func (h *harness) at(o fyne.CanvasObject) fyne.Position {
	s := h.win.Canvas().Size()
	h.win.Resize(s.AddWidthHeight(1, 0))
	h.win.Resize(s)
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// Nothing moves under the pointer when a message comes or goes: the
// download's buttons keep their place (Pause, Resume and Try again one
// place), and the start screen's other ways stay where they are when a
// search runs or a problem shows.
func TestButtonsStayPut(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			j.events(job.Progress{Done: 3, Total: 40, Bytes: 3 << 20, Speed: 1 << 20, ETA: time.Minute})
			<-ctx.Done()
			return ctx.Err()
		}
		return j
	}
	h := newHarness(t, be)

	s := h.u.start
	sample, capture, openHAR := h.at(s.sample), h.at(s.capture), h.at(s.openHAR)
	s.setBusy("Looking for the video…")
	if h.at(s.sample) != sample || h.at(s.capture) != capture {
		t.Error("the other ways moved while looking for the video")
	}
	s.setBusy("")
	s.showProblem("The video could not be loaded", strings.Repeat("The video host says this video is not there (any more). ", 4))
	if h.at(s.sample) != sample || h.at(s.openHAR) != openHAR {
		t.Errorf("a problem pushed the other ways from %v to %v", sample, h.at(s.sample))
	}

	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	d := h.u.dl
	h.q.until(t, "progress", func() bool { return d.last.Done == 3 })
	cancel, slot, size := h.at(d.cancel), h.at(d.pause), d.pause.Size()
	test.Tap(d.pause)
	h.q.until(t, "paused", func() bool { return d.resume.Visible() })
	if !d.state.Visible() {
		t.Fatal("no word that the download is paused")
	}
	if h.at(d.cancel) != cancel || h.at(d.resume) != slot || d.resume.Size() != size {
		t.Errorf("after Pause: Cancel at %v (was %v), Resume at %v %v (Pause was at %v %v)", h.at(d.cancel), cancel, h.at(d.resume), d.resume.Size(), slot, size)
	}
	test.Tap(d.resume)
	h.q.until(t, "running", func() bool { return d.pause.Visible() && d.last.Done == 3 && !d.state.Visible() })
	if h.at(d.cancel) != cancel || h.at(d.pause) != slot {
		t.Error("after Resume the buttons moved")
	}
	d.showProblem(strings.Repeat("The download stopped after 3 of 40 chunks: the connection to example.com broke off. ", 3))
	if h.at(d.cancel) != cancel || h.at(d.retry) != slot || d.retry.Size() != size {
		t.Errorf("with a problem: Cancel at %v (was %v), Try again at %v (Pause was at %v)", h.at(d.cancel), cancel, h.at(d.retry), slot)
	}
}

// One ready video, nothing better refused: no choosing, straight to its
// download, with Back to the list; a better video refused keeps the
// choice.
func TestOneReadyVideoGoesStraightToItsDownload(t *testing.T) {
	hd := backend.Candidate{Title: "Keynote", Duration: 42*time.Minute + 10*time.Second, Quality: "1920x1080", Chunks: 40, Ready: true}
	worse := readyCands()[0] // refused, and ranked after
	be := &fakeBackend{cands: []backend.Candidate{hd, worse}}
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error { <-ctx.Done(); return ctx.Err() }
		return j
	}
	h := newHarness(t, be)
	test.Type(h.u.start.paste, "https://example.com/keynote")
	h.press(fyne.KeyReturn, false)
	h.q.until(t, "the download", func() bool { return h.u.screen == screenDownload })
	d := h.u.dl
	if !d.back.Visible() || d.title.Text != "Keynote" || d.about.Text != "42 min 10 s long · Full HD picture, 1920 × 1080" {
		t.Errorf("download screen: back %v, %q, %q", d.back.Visible(), d.title.Text, d.about.Text)
	}
	test.Tap(d.back)
	if h.u.screen != screenFound || len(h.u.found.rows) != 2 || h.u.found.chosen != 0 || h.u.sess != nil {
		t.Fatalf("Back: screen %v, %d rows, chosen %d", h.u.screen, len(h.u.found.rows), h.u.found.chosen)
	}
	test.Tap(h.u.found.download)
	if h.u.screen != screenDownload || h.u.dl.back.Visible() {
		t.Error("a download chosen on the found screen offers Back to it")
	}

	// The best one refused: the choice is the user's (a fresh HAR file
	// may get it).
	h.u.startOver()
	be.cands = readyCands()
	test.Type(h.u.start.paste, "https://example.com/keynote")
	h.press(fyne.KeyReturn, false)
	h.q.until(t, "the found screen", func() bool { return h.u.screen == screenFound })
}

// The download is alive from the first second: connecting, then the
// speed while the time left is worked out, then the time left.
func TestProgressIsAliveFromTheFirstSecond(t *testing.T) {
	be := &fakeBackend{cands: readyCands()}
	step := make(chan job.Progress)
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			for {
				select {
				case p := <-step:
					j.events(p)
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		return j
	}
	h := newHarness(t, be)
	h.u.showFound(readyCands())
	test.Tap(h.u.found.download)
	d := h.u.dl
	for _, c := range []struct {
		p    job.Progress
		want string
	}{
		{job.Progress{Total: 40}, "Connecting to the video host…"},
		{job.Progress{Total: 40, Bytes: 1 << 20, Speed: 512 << 10}, "0 of 40 parts · 1.0 MB · 512 KB/s · working out the time left…"},
		{job.Progress{Total: 40, Bytes: 2 << 20, Speed: 512 << 10, ETA: 80 * time.Second}, "0 of 40 parts · 2.0 MB · 512 KB/s · about 1 min 20 s left"},
	} {
		if c.p.Bytes == 0 && d.detail.Text != c.want {
			t.Errorf("before anything arrived: %q", d.detail.Text)
		}
		step <- c.p
		h.q.until(t, c.want, func() bool { return d.last.Bytes == c.p.Bytes && d.last.ETA == c.p.ETA })
		if d.detail.Text != c.want {
			t.Errorf("%+v: %q, want %q", c.p, d.detail.Text, c.want)
		}
	}
}

// Help in short sections, opened on the one that fits: F1 on the start
// screen on getting the link, "How do I get a HAR file?" on private
// replays (capture first), F1 on the edit screen on trimming.
func TestHelpOpensOnTheSectionThatFits(t *testing.T) {
	h := newHarness(t, &fakeBackend{cands: readyCands()})
	shown := func() *container.AppTabs {
		t.Helper()
		for _, o := range test.LaidOutObjects(h.win.Canvas().Overlays().Top()) {
			if tabs, ok := o.(*container.AppTabs); ok {
				return tabs
			}
		}
		t.Fatal("no Help showing")
		return nil
	}
	h.press(fyne.KeyF1, false)
	tabs := shown()
	var titles []string
	for _, it := range tabs.Items {
		titles = append(titles, it.Text)
	}
	if strings.Join(titles, ", ") != "Getting the link, Private replays, Trimming, Sound in sync, Where the video goes" {
		t.Errorf("sections %v", titles)
	}
	if tabs.Selected().Text != "Getting the link" {
		t.Errorf("F1 on the start screen opened %q", tabs.Selected().Text)
	}
	h.press(fyne.KeyEscape, false)

	test.Tap(h.u.start.help)
	tabs = shown()
	text := countText(tabs.Selected().Content, "Capture from browser")
	if tabs.Selected().Text != "Private replays" || text == 0 {
		t.Errorf("How do I get a HAR file? opened %q", tabs.Selected().Text)
	}
	h.press(fyne.KeyEscape, false)

	h.toEdit()
	h.press(fyne.KeyF1, false)
	if got := shown().Selected().Text; got != "Trimming" {
		t.Errorf("F1 on the edit screen opened %q", got)
	}
}

// A pasted media playlist names no picture size: the download screen says
// it once the job has read it from the first chunk.
func TestPictureSizeShownOnceRead(t *testing.T) {
	plain := backend.Candidate{Title: "Keynote", Duration: 42*time.Minute + 10*time.Second, Chunks: 40, Ready: true}
	be := &fakeBackend{cands: []backend.Candidate{plain}}
	read := make(chan struct{})
	be.newJob = func(c backend.Candidate, events func(job.Event)) *fakeJob {
		j := newFakeJob(c, events)
		j.download = func(ctx context.Context, j *fakeJob) error {
			// As the real job's Load says it (the fake's says a size).
			j.events(job.Found{Title: "Keynote", Chunks: 40, Duration: plain.Duration, Ended: true})
			<-read
			j.events(job.Pictured{Quality: "640x360"})
			<-ctx.Done()
			return ctx.Err()
		}
		return j
	}
	h := newHarness(t, be)
	test.Type(h.u.start.paste, "https://example.com/keynote.m3u8")
	h.press(fyne.KeyReturn, false)
	h.q.until(t, "no size yet", func() bool { return h.u.screen == screenDownload && h.u.dl.about.Text == "42 min 10 s long" })
	close(read)
	h.q.until(t, "the size", func() bool { return h.u.dl.about.Text == "42 min 10 s long · small picture, 640 × 360" })
}
