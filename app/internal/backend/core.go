package backend

import (
	"context"
	"errors"
	"image"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"replayrescue/core/rescue"
)

// Core is the one adapter between the window and core. It holds no
// logic of its own beyond choosing what to call: the steps the CLI takes too
// are core/rescue's.
type Core struct {
	mu    sync.Mutex
	tools rescue.Tools
	found bool
	// sound is the sound output, opened on first use and kept (one per
	// program); silent when there is none and a clock stands in.
	sound  rescue.PlaySink
	silent bool
	// get says where an ffmpeg download comes from and goes to; zero in
	// the app, a loopback server and a table of fakes in tests.
	get rescue.ToolsSource
}

// NewCore is the backend over the real core. downloads says where a
// download of ffmpeg comes from and goes to: the zero value is the real one.
func NewCore(downloads ToolsSource) *Core { return &Core{get: downloads} }

// sampleLength matches the CLI's demo: short to make, long enough for
// trimming to mean something.
const sampleLength = 2 * time.Minute

// maxProbes bounds how many candidates are checked; a HAR rarely holds more.
const maxProbes = 8

func (b *Core) FindTools() (string, error) {
	t, err := rescue.FindTools(b.get, "Replay Rescue can download a verified copy for you.")
	if err != nil {
		return rescue.InstallHint(b.get), err
	}
	b.mu.Lock()
	b.tools, b.found = t, true
	b.mu.Unlock()
	return "", nil
}

// About describes the ffmpeg in use; its version and licence come from
// ffmpeg itself, so they are right for whichever build the user has.
func (b *Core) About() ToolsAbout {
	t, err := b.Tools()
	if err != nil {
		return ToolsAbout{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	about := ToolsAbout{Path: t.FFmpeg}
	about.Version, about.Licence, _ = t.Describe(ctx)
	return about
}

func (b *Core) ToolsDownload() (int64, bool) {
	build, ok := rescue.ToolsDownload(b.get)
	return build.Size, ok
}

func (b *Core) InstallTools(ctx context.Context, progress func(done, total int64)) error {
	o := b.get
	o.Progress = progress
	t, err := rescue.InstallTools(ctx, o)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.tools, b.found = t, true
	b.mu.Unlock()
	return nil
}

func (b *Core) ToolsLicence() (string, bool) {
	return rescue.ToolsLicence(b.get)
}

// toolsMissing tells a FindTools error for "not installed" from one for
// "too old".
func ToolsMissing(err error) bool { return rescue.ToolsMissing(err) }

// missingToolsExample is what FindTools reports on goos when ffmpeg is
// missing, for the screenshot of that dialog.
func MissingToolsExample(goos string) (string, error) {
	return rescue.InstallHint(rescue.ToolsSource{GOOS: goos}), rescue.MissingToolsError(goos)
}

// Tools are the ffmpeg and ffprobe found, looked for on first use.
func (b *Core) Tools() (rescue.Tools, error) {
	b.mu.Lock()
	t, ok := b.tools, b.found
	b.mu.Unlock()
	if ok {
		return t, nil
	}
	if _, err := b.FindTools(); err != nil {
		return rescue.Tools{}, err
	}
	return b.Tools()
}

// Resolve finds the candidates in what the user gave and checks each by
// loading its playlist the way a job would. When the candidates' credentials
// look unusable (a sanitized HAR, say) they are still shown, each with what
// to do about it.
func (b *Core) Resolve(ctx context.Context, text string) ([]Candidate, error) {
	cands, warning, err := rescue.Find(ctx, rescue.Input{Source: text})
	if err != nil {
		return nil, err
	}
	return b.check(ctx, cands, warning)
}

// Capture finds the browser and catches the replay in it, then checks the
// candidates as Resolve does.
func (b *Core) Capture(ctx context.Context, browser, page string) ([]Candidate, error) {
	found, err := rescue.FindBrowser(browser)
	if err != nil {
		return nil, err
	}
	cands, warning, err := rescue.Capture(ctx, found, page, false)
	if err != nil {
		return nil, err
	}
	return b.check(ctx, cands, warning)
}

// noBrowser: err says no browser was found for Capture, so the HAR route
// is what is left.
func NoBrowser(err error) bool { return errors.Is(err, rescue.ErrNoBrowser) }

// check checks the best candidates; warning is what Find said about them.
func (b *Core) check(ctx context.Context, cands []rescue.Candidate, warning string) ([]Candidate, error) {
	if len(cands) > maxProbes {
		cands = cands[:maxProbes]
	}
	reports, err := rescue.CheckAll(ctx, cands, warning)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(reports))
	for i, r := range reports {
		out[i] = candidateOf(r)
	}
	return out, nil
}

// candidateOf is r in the words the Found screen shows.
func candidateOf(r rescue.Report) Candidate {
	if !r.Words.IsZero() {
		r.Problem = translate(r.Words)
	}
	return Candidate{Title: r.Title, From: r.From, Duration: r.Duration, Size: r.Size, Quality: r.Quality, Chunks: r.Chunks,
		Live: r.Live, Ready: r.Ready, Problem: r.Problem, Code: r.Code, Started: r.Started, Source: r.Source}
}

// Sample makes the built-in sample broadcast (cached after the first time)
// and serves it on loopback, the same way "replayrescue demo" does.
func (b *Core) Sample(ctx context.Context) (Candidate, func(), error) {
	tools, err := b.Tools()
	if err != nil {
		return Candidate{}, nil, err
	}
	smp, err := rescue.StartSample(ctx, tools, sampleLength, lang.L("Sample talk"), "sample-window")
	if err != nil {
		return Candidate{}, nil, err
	}
	c := candidateOf(rescue.CheckSource(ctx, smp.Source))
	c.From = lang.L("built-in sample")
	return c, smp.Close, nil
}

// Open makes the job; *rescue.Job is the JobRunner as it is.
func (b *Core) Open(c Candidate, o OpenOptions, events func(rescue.Event)) (JobRunner, error) {
	srcs, opts, err := b.jobOptions([]Candidate{c}, o, events)
	if err != nil {
		return nil, err
	}
	return rescue.Open(srcs[0], opts)
}

// OpenParts makes the talk; *rescue.Talk is the JobRunner as it is. Each part
// gets its broadcast's own job folder.
func (b *Core) OpenParts(cs []Candidate, o OpenOptions, events func(rescue.Event)) (JobRunner, error) {
	srcs, opts, err := b.jobOptions(cs, o, events)
	if err != nil {
		return nil, err
	}
	return rescue.OpenTalk(srcs, opts)
}

// jobOptions are the sources of cs and the options of a job with o.
func (b *Core) jobOptions(cs []Candidate, o OpenOptions, events func(rescue.Event)) ([]rescue.Source, rescue.Options, error) {
	var srcs []rescue.Source
	for _, c := range cs {
		src, ok := c.Source.(rescue.Source)
		if !ok {
			return nil, rescue.Options{}, errors.New("internal error: this video has no source")
		}
		srcs = append(srcs, src)
	}
	tools, err := b.Tools()
	if err != nil {
		return nil, rescue.Options{}, err
	}
	return srcs, rescue.Options{Work: o.Work, Jobs: o.Jobs, Keep: o.Keep, Stop: o.Stop, Tools: tools, Events: events}, nil
}

// Player plays j in the window through the sound output, opened the first
// time (a computer without one plays silently).
func (b *Core) Player(j JobRunner, show func(image.Image, time.Duration), ended func(time.Duration, error)) (Playback, bool, error) {
	src, ok := j.(interface{ PlaySource() rescue.PlaySource })
	if !ok {
		return nil, false, errors.New("this video cannot be played in the window")
	}
	sink, silent := b.soundOutput()
	p := rescue.NewPlayer(rescue.PlayerOptions{Source: src.PlaySource(), Sink: sink, Width: playWidth,
		Show:  func(f rescue.PlayFrame) { show(f.Image, f.At) },
		Ended: ended})
	return p, silent, nil
}

// playWidth is as wide as the edit screen's picture gets.
const playWidth = 960

// soundOutput is the sound output, opened the first time; a silent clock
// where there is none.
func (b *Core) soundOutput() (rescue.PlaySink, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sound == nil {
		out, err := rescue.OpenSoundOutput()
		if err != nil {
			b.sound, b.silent = &rescue.SilentClock{}, true
		} else {
			b.sound = out
		}
	}
	return b.sound, b.silent
}

// UseSound makes the player play into sink instead of the sound output (a
// recording, in tests; a silent clock for pictures of the window).
func (b *Core) UseSound(sink rescue.PlaySink, silent bool) {
	b.mu.Lock()
	b.sound, b.silent = sink, silent
	b.mu.Unlock()
}
