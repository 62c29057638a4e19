package app

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"replayrescue/core/chat"
	"replayrescue/core/job"

	"replayrescue/app/internal/backend"
)

// uiQueue stands in for fyne.Do: whatever the bridge posts from a goroutine
// waits here until the test runs it on its own goroutine, so widgets are
// only ever touched by the test (no data races, no sleeps).
type uiQueue struct{ ch chan func() }

func newUIQueue() *uiQueue { return &uiQueue{ch: make(chan func(), 1024)} }

func (q *uiQueue) do(f func()) { q.ch <- f }

// until runs posted functions until cond holds, failing after 5 s or the
// timeout given.
func (q *uiQueue) until(t *testing.T, what string, cond func() bool, timeout ...time.Duration) {
	t.Helper()
	limit := 5 * time.Second
	if len(timeout) > 0 {
		limit = timeout[0]
	}
	deadline := time.After(limit)
	for !cond() {
		select {
		case f := <-q.ch:
			f()
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// settle runs whatever is posted within a short quiet period.
func (q *uiQueue) settle() {
	for {
		select {
		case f := <-q.ch:
			f()
		case <-time.After(150 * time.Millisecond):
			return
		}
	}
}

// fakeBackend answers like core would, and records what it was asked.
type fakeBackend struct {
	mu         sync.Mutex
	cands      []backend.Candidate
	resolveErr error
	resolved   []string
	toolsHint  string
	toolsErr   error
	opens      []backend.OpenOptions
	jobs       []*fakeJob
	newJob     func(c backend.Candidate, events func(job.Event)) *fakeJob
	// realTools, when set, answers everything about ffmpeg: the real
	// adapter, pointed at a loopback server of fake builds.
	realTools *backend.Core
	// browser stands in for the user's browser in Capture: it gets the
	// context (cancelled by the Cancel button) and answers as a capture
	// would; captured records the browser setting each capture was given,
	// pages the page it opened on.
	browser  func(ctx context.Context) ([]backend.Candidate, error)
	captured []string
	pages    []string
	players  []*stillPlayback
}

func (b *fakeBackend) FindTools() (string, error) {
	if b.realTools != nil {
		return b.realTools.FindTools()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.toolsHint, b.toolsErr
}

func (b *fakeBackend) About() backend.ToolsAbout {
	if b.realTools != nil {
		return b.realTools.About()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.toolsErr != nil {
		return backend.ToolsAbout{}
	}
	return backend.ToolsAbout{Path: "/opt/ffmpeg/bin/ffmpeg", Version: "ffmpeg version 7.1", Licence: "GNU LGPL version 2.1 or later"}
}

func (b *fakeBackend) ToolsDownload() (int64, bool) {
	if b.realTools != nil {
		return b.realTools.ToolsDownload()
	}
	return 0, false
}

func (b *fakeBackend) InstallTools(ctx context.Context, progress func(done, total int64)) error {
	if b.realTools != nil {
		return b.realTools.InstallTools(ctx, progress)
	}
	return errors.New("no download in this test")
}

func (b *fakeBackend) ToolsLicence() (string, bool) {
	if b.realTools != nil {
		return b.realTools.ToolsLicence()
	}
	return "", false
}

func (b *fakeBackend) Resolve(ctx context.Context, text string) ([]backend.Candidate, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.resolved = append(b.resolved, text)
	return b.cands, b.resolveErr
}

func (b *fakeBackend) Capture(ctx context.Context, browser, page string) ([]backend.Candidate, error) {
	b.mu.Lock()
	b.captured = append(b.captured, browser)
	b.pages = append(b.pages, page)
	fake := b.browser
	b.mu.Unlock()
	return fake(ctx)
}

func (b *fakeBackend) Sample(ctx context.Context) (backend.Candidate, func(), error) {
	return backend.Candidate{Title: "Sample talk", Duration: 2 * time.Minute, Ready: true, Chunks: 40}, func() {}, nil
}

func (b *fakeBackend) Open(c backend.Candidate, o backend.OpenOptions, events func(job.Event)) (backend.JobRunner, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opens = append(b.opens, o)
	var j *fakeJob
	if b.newJob != nil {
		j = b.newJob(c, events)
	} else {
		j = newFakeJob(c, events)
	}
	if o.Work != "" {
		j.dir = o.Work
	}
	j.stop = o.Stop
	b.jobs = append(b.jobs, j)
	return j, nil
}

// OpenParts opens a fake talk: one fakeJob whose length is the parts'.
func (b *fakeBackend) OpenParts(cs []backend.Candidate, o backend.OpenOptions, events func(job.Event)) (backend.JobRunner, error) {
	r, err := b.Open(cs[0], o, events)
	j := r.(*fakeJob)
	for _, c := range cs {
		j.lengths = append(j.lengths, c.Duration)
	}
	return j, err
}

// fakeJob is a job whose download and render the test scripts.
type fakeJob struct {
	c      backend.Candidate
	events func(job.Event)
	dir    string

	mu        sync.Mutex
	loads     int
	downloads int
	renders   []job.Settings
	frames    []time.Duration
	// download runs in Download; default: emit progress to the end.
	download func(ctx context.Context, j *fakeJob) error
	// render runs in Render; default: emit progress and Done.
	render func(ctx context.Context, j *fakeJob, s job.Settings) error
	// frameDelay makes Frame slow, like ffmpeg.
	frameDelay time.Duration
	stop       <-chan struct{} // openOptions.Stop
	// chat is the broadcast's chat; none when empty, unless reading it
	// fails with chatErr.
	chat    []chat.Message
	chatErr error
	// lengths are a talk's parts (OpenParts); nil for one broadcast.
	lengths []time.Duration
}

func newFakeJob(c backend.Candidate, events func(job.Event)) *fakeJob {
	return &fakeJob{c: c, events: events, dir: filepath.Join("/tmp", "fake-job-"+c.Title)}
}

func (j *fakeJob) Load(ctx context.Context) error {
	j.mu.Lock()
	j.loads++
	j.mu.Unlock()
	j.events(job.Found{Title: j.c.Title, Chunks: 40, Duration: j.Duration(), Quality: "1280x720", Ended: true})
	return nil
}

func (j *fakeJob) Download(ctx context.Context) error {
	j.mu.Lock()
	j.downloads++
	f := j.download
	j.mu.Unlock()
	if f != nil {
		return f(ctx, j)
	}
	for i := 1; i <= 40; i++ {
		j.events(job.Progress{Done: i, Total: 40, Bytes: int64(i) << 20})
	}
	return nil
}

func (j *fakeJob) Render(ctx context.Context, s job.Settings) error {
	j.mu.Lock()
	j.renders = append(j.renders, s)
	f := j.render
	j.mu.Unlock()
	if f != nil {
		return f(ctx, j, s)
	}
	end := s.End
	if end == 0 {
		end = j.Duration()
	}
	want := end - s.Start
	j.events(job.Rendering{Done: want / 2, Total: want})
	j.events(job.Done{Output: s.Output, Duration: want, Size: 3 << 20})
	return nil
}

func (j *fakeJob) Frame(ctx context.Context, at time.Duration, maxWidth int) ([]byte, error) {
	j.mu.Lock()
	j.frames = append(j.frames, at)
	delay := j.frameDelay
	j.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	// A tiny picture whose colour encodes the time, so tests can tell
	// which frame is on screen.
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	shade := uint8(at / time.Second)
	for y := range 9 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{shade, 0, 0, 255})
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

func (j *fakeJob) frameCalls() []time.Duration {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]time.Duration(nil), j.frames...)
}

func (j *fakeJob) downloadCalls() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.downloads
}

func (j *fakeJob) HasChat() bool { return len(j.chat) > 0 || j.chatErr != nil }

func (j *fakeJob) Chat(ctx context.Context) ([]chat.Message, error) { return j.chat, j.chatErr }

func (j *fakeJob) Duration() time.Duration {
	if j.lengths == nil {
		return 2 * time.Minute
	}
	var d time.Duration
	for _, l := range j.lengths {
		d += l
	}
	return d
}

func (j *fakeJob) PartLengths() []time.Duration { return j.lengths }
func (j *fakeJob) Title() string                { return j.c.Title }
func (j *fakeJob) Dir() string                  { return j.dir }
func (j *fakeJob) Cleanup() error               { return nil }

// Plan: the fake's keyframes are every 2 s, and its sound starts 2 s late.
func (j *fakeJob) Plan(ctx context.Context, s job.Settings) (job.Plan, error) {
	p := job.Plan{Start: s.Start.Truncate(2 * time.Second), AudioGap: 2 * time.Second}
	if s.Exact {
		p.Start = s.Start
	}
	return p, nil
}

// shadeOf reads back the time a fakeJob picture encodes.
func shadeOf(img image.Image) time.Duration {
	r, _, _, _ := img.At(0, 0).RGBA()
	return time.Duration(r>>8) * time.Second
}

// harness is a window with the app in it, driven by the test.
type harness struct {
	t      *testing.T
	app    fyne.App
	win    fyne.Window
	u      *ui
	q      *uiQueue
	be     *fakeBackend
	opened []*url.URL
}

func newHarness(t *testing.T, be *fakeBackend) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(800, 600))
	h := &harness{t: t, app: a, win: w, be: be, q: newUIQueue()}
	h.u = newUI(a, w, be)
	h.u.bridge.do = h.q.do
	h.u.openURL = func(u *url.URL) error {
		h.opened = append(h.opened, u)
		return nil
	}
	t.Cleanup(h.u.shutdown)
	return h
}

// readyCands is what most tests find: one that needs fresh credentials,
// ranked first, and a ready one.
func readyCands() []backend.Candidate {
	return []backend.Candidate{
		{Title: "Keynote", From: "HAR entry 3", Duration: 2 * time.Minute, Quality: "640x360", Code: job.ExitCredentials,
			Problem: "The video host refused access: get a fresh link or HAR file and try again."},
		{Title: "Keynote", From: "HAR entry 9", Duration: 2 * time.Minute, Quality: "1280x720", Chunks: 40, Ready: true},
	}
}

// toEdit drives the harness from the start to the edit screen.
func (h *harness) toEdit() *fakeJob {
	h.t.Helper()
	h.u.dropped(fyne.NewPos(1, 1), []fyne.URI{fileURI("/tmp/talk.har")})
	h.q.until(h.t, "the found screen", func() bool { return h.u.screen == screenFound })
	test.Tap(h.u.found.download)
	h.q.until(h.t, "the edit screen", func() bool { return h.u.screen == screenEdit })
	return h.be.jobs[len(h.be.jobs)-1]
}

// Player is the still player (see screenshot.go): no ffmpeg, no sound.
func (b *fakeBackend) Player(j backend.JobRunner, show func(image.Image, time.Duration), _ func(time.Duration, error)) (backend.Playback, bool, error) {
	p := &stillPlayback{picture: func(time.Duration) image.Image { return image.NewRGBA(image.Rect(0, 0, 16, 9)) }, show: show}
	b.mu.Lock()
	b.players = append(b.players, p)
	b.mu.Unlock()
	return p, true, nil
}
