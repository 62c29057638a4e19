package app

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"replayrescue/core/capture"
	"replayrescue/core/chat"
	"replayrescue/core/intake"
	"replayrescue/core/job"
	"replayrescue/core/media"
	"replayrescue/core/sample"
	"replayrescue/core/toolget"
	"replayrescue/core/web"
)

// coreBackend is the one adapter between the window and core. It holds no
// logic of its own beyond choosing what to call.
type coreBackend struct {
	mu    sync.Mutex
	tools media.Tools
	found bool
	// get says where an ffmpeg download comes from and goes to; zero in
	// the app, a loopback server and a table of fakes in tests.
	get toolget.Options
}

func newCoreBackend() *coreBackend { return &coreBackend{} }

// sampleLength matches the CLI's demo: short to make, long enough for
// trimming to mean something.
const sampleLength = 2 * time.Minute

// maxProbes bounds how many candidates are checked; a HAR rarely holds more.
const maxProbes = 8

func (b *coreBackend) FindTools() (string, error) {
	t, err := media.Find()
	if err != nil {
		var missing *media.MissingError
		if errors.As(err, &missing) {
			return media.InstallHint(runtime.GOOS), err
		}
		return "", err
	}
	hint := media.InstallHint(runtime.GOOS)
	if _, ok := b.ToolsDownload(); ok {
		hint = "Replay Rescue can download a newer one."
	}
	if msg := media.TooOldWith(t.Major, t.Minor, hint); msg != "" {
		return media.InstallHint(runtime.GOOS), errors.New(msg)
	}
	b.mu.Lock()
	b.tools, b.found = t, true
	b.mu.Unlock()
	return "", nil
}

// About describes the ffmpeg in use; its version and licence come from
// ffmpeg itself, so they are right for whichever build the user has.
func (b *coreBackend) About() toolsAbout {
	t, err := b.toolsNow()
	if err != nil {
		return toolsAbout{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	about := toolsAbout{Path: t.FFmpeg}
	about.Version, about.Licence, _ = t.Describe(ctx)
	return about
}

func (b *coreBackend) ToolsDownload() (int64, bool) {
	build, ok := toolget.Lookup(b.get)
	return build.Size, ok
}

func (b *coreBackend) InstallTools(ctx context.Context, progress func(done, total int64)) error {
	o := b.get
	o.Progress = progress
	t, err := toolget.Install(ctx, o)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.tools, b.found = t, true
	b.mu.Unlock()
	return nil
}

func (b *coreBackend) ToolsLicence() (string, bool) {
	return toolget.Licence(b.get.DataDir)
}

// toolsMissing tells a FindTools error for "not installed" from one for
// "too old".
func toolsMissing(err error) bool {
	var missing *media.MissingError
	return errors.As(err, &missing)
}

// missingToolsExample is what FindTools reports on goos when ffmpeg is
// missing, for the screenshot of that dialog.
func missingToolsExample(goos string) (string, error) {
	return media.InstallHint(goos), &media.MissingError{Tool: "ffmpeg", GOOS: goos}
}

func (b *coreBackend) toolsNow() (media.Tools, error) {
	b.mu.Lock()
	t, ok := b.tools, b.found
	b.mu.Unlock()
	if ok {
		return t, nil
	}
	if _, err := b.FindTools(); err != nil {
		return media.Tools{}, err
	}
	return b.toolsNow()
}

// Resolve asks intake for candidates, then checks each by loading its
// playlist the way a job would (job.Load), in a throwaway folder. When
// intake finds candidates but judges their credentials unusable (a
// sanitized HAR, say) it returns them with the error: they are still shown,
// each with what to do about it.
func (b *coreBackend) Resolve(ctx context.Context, text string) ([]candidate, error) {
	cands, err := intake.Resolve(ctx, intake.Input{Source: text})
	if err != nil && len(cands) == 0 {
		return nil, err
	}
	return b.check(ctx, cands, err)
}

// Capture finds the browser and catches the replay in it (core/capture),
// then checks the candidates as Resolve does.
func (b *coreBackend) Capture(ctx context.Context, browser string) ([]candidate, error) {
	found, err := capture.FindBrowser(runtime.GOOS, os.Getenv, browser)
	if err != nil {
		return nil, err
	}
	cands, err := capture.Capture(ctx, capture.Options{Browser: found.Path})
	if err != nil && len(cands) == 0 {
		return nil, err
	}
	return b.check(ctx, cands, err)
}

// noBrowser: err says no browser was found for Capture, so the HAR route
// is what is left.
func noBrowser(err error) bool { return errors.Is(err, capture.ErrNoBrowser) }

// check probes the best candidates; err is what intake said about them
// (a *intake.CredentialsError, or nil).
func (b *coreBackend) check(ctx context.Context, cands []intake.Candidate, err error) ([]candidate, error) {
	if len(cands) > maxProbes {
		cands = cands[:maxProbes]
	}
	out := make([]candidate, len(cands))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := job.Source{URL: c.URL, Creds: c.Creds, Title: c.Title, ID: c.BroadcastID, Chat: c.Chat}
			out[i] = b.probe(ctx, src, c.From)
			out[i].Live = out[i].Live || c.Live
			if c.Verdict != "" && c.Verdict != intake.VerdictReady {
				// What the browser saw outranks one lucky playlist fetch:
				// the chunks may still be refused.
				out[i].Ready = false
				out[i].Problem = c.Problem
				out[i].Code = job.ExitCredentials
				if c.Verdict == intake.VerdictUnreachable {
					out[i].Code = job.ExitOther
				}
				if out[i].Problem == "" && err != nil {
					out[i].Problem, out[i].Code = job.Explain(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// probe loads src's playlist and describes it. The folder only holds the
// state file job.Load writes, and is removed at once.
func (b *coreBackend) probe(ctx context.Context, src job.Source, from string) candidate {
	c := candidate{Title: src.Title, From: from, Source: src, Started: src.Chat.Start}
	dir, err := os.MkdirTemp("", "replayrescue-probe-")
	if err != nil {
		c.Problem, c.Code = job.Explain(err)
		return c
	}
	defer os.RemoveAll(dir)
	var found *job.Found
	j, err := job.Open(src, job.Options{Work: dir, Jobs: 2, Events: func(e job.Event) {
		if f, ok := e.(job.Found); ok {
			found = &f
		}
	}})
	if err == nil {
		err = j.Load(ctx)
	}
	if err != nil {
		c.Problem, c.Code = job.Explain(err)
		return c
	}
	if found != nil {
		if found.Title != "" {
			c.Title = found.Title
		}
		c.Duration, c.Quality, c.Chunks, c.Live = found.Duration, found.Quality, found.Chunks, !found.Ended
	}
	c.Ready = true
	return c
}

// Sample makes the built-in sample broadcast (cached after the first time)
// and serves it on loopback with the cookies its fake API hands out, the
// same way "replayrescue demo" does.
func (b *coreBackend) Sample(ctx context.Context) (candidate, func(), error) {
	tools, err := b.toolsNow()
	if err != nil {
		return candidate{}, nil, err
	}
	m, err := sample.Generate(ctx, sample.MediaOptions{FFmpeg: tools.FFmpeg, Encoder: tools.VideoEncoder(ctx), Duration: sampleLength})
	if err != nil {
		return candidate{}, nil, err
	}
	srv, err := sample.Start(sample.ServerOptions{Media: m})
	if err != nil {
		return candidate{}, nil, err
	}
	u, err := url.Parse(srv.PlaylistURL())
	if err != nil {
		srv.Close()
		return candidate{}, nil, err
	}
	api, err := url.Parse(srv.APIBase())
	if err != nil {
		srv.Close()
		return candidate{}, nil, err
	}
	jar := web.NewJar()
	jar.SetCookies(u, srv.Cookies())
	src := job.Source{
		URL:   u.String(),
		Creds: web.Credentials{Jar: jar, Header: http.Header{}, Scheme: u.Scheme, Host: u.Host},
		Title: lang.L("Sample talk"),
		ID:    "sample-window",
		Chat:  chat.Source{API: api, Token: srv.ChatToken(), Start: sample.BroadcastStart},
	}
	c := b.probe(ctx, src, lang.L("built-in sample"))
	return c, func() { srv.Close() }, nil
}

// Open makes the job; *job.Job is the jobRunner as it is.
func (b *coreBackend) Open(c candidate, o openOptions, events func(job.Event)) (jobRunner, error) {
	srcs, opts, err := b.jobOptions([]candidate{c}, o, events)
	if err != nil {
		return nil, err
	}
	return job.Open(srcs[0], opts)
}

// OpenParts makes the talk; *job.Talk is the jobRunner as it is. Each part
// gets its broadcast's own job folder.
func (b *coreBackend) OpenParts(cs []candidate, o openOptions, events func(job.Event)) (jobRunner, error) {
	srcs, opts, err := b.jobOptions(cs, o, events)
	if err != nil {
		return nil, err
	}
	return job.OpenTalk(srcs, opts)
}

// jobOptions are the sources of cs and the options of a job with o.
func (b *coreBackend) jobOptions(cs []candidate, o openOptions, events func(job.Event)) ([]job.Source, job.Options, error) {
	var srcs []job.Source
	for _, c := range cs {
		src, ok := c.Source.(job.Source)
		if !ok {
			return nil, job.Options{}, errors.New("internal error: this video has no source")
		}
		srcs = append(srcs, src)
	}
	tools, err := b.toolsNow()
	if err != nil {
		return nil, job.Options{}, err
	}
	return srcs, job.Options{Work: o.Work, Jobs: o.Jobs, Keep: o.Keep, Stop: o.Stop, Tools: tools, Events: events}, nil
}
