// Package fetch downloads the segments of a playlist into a job folder with a
// bounded number of parallel connections. A chunk is written under a temporary
// name and renamed to chunk_NNNNNN.ts only after its length checked out, so a
// file with the final name is always complete and a second run skips it.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"replayrescue/core/internal/safefile"
	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// Defaults; see Options.
const (
	DefaultJobs          = 8
	DefaultRetries       = 8
	DefaultAuthRetries   = 3
	DefaultBackoff       = 400 * time.Millisecond
	DefaultMaxBackoff    = 8 * time.Second
	DefaultIdleTimeout   = 30 * time.Second
	DefaultChunkBase     = 30 * time.Second
	DefaultMinRate       = 16 << 10 // bytes per second
	DefaultMaxChunkBytes = 512 << 20
	progressInterval     = 250 * time.Millisecond
)

// ErrStalled means a chunk stopped arriving, or came too slowly to finish
// (see Options.ChunkBase). The error is a *web.StallError naming the host.
var ErrStalled = web.ErrStalled

// Options configure Download. Zero values pick the defaults above.
type Options struct {
	Dir    string       // job folder; must exist
	Client *http.Client // carries the source's cookies and headers
	Jobs   int          // parallel connections (the first number of them, when adaptive)
	// MaxJobs above Jobs makes the number of connections adaptive, between
	// 1 and MaxJobs (see adapt.go).
	MaxJobs int
	// Connections is told each change of the number of connections.
	Connections func(n int)
	// AdaptInterval is how often adaptive mode measures and decides.
	AdaptInterval time.Duration

	Retries     int // attempts after the first for network errors, 5xx and short bodies
	AuthRetries int // attempts after the first for 401/403, which usually mean expired credentials
	Backoff     time.Duration
	MaxBackoff  time.Duration
	IdleTimeout time.Duration // per chunk: give up on a connection that sends nothing for this long
	// ChunkBase and MinRate are a chunk's pace (web.Pace): it must have
	// its first n bytes by ChunkBase + n/MinRate, so a chunk of size bytes
	// has ChunkBase + size/MinRate in all. A host that sends a byte now and
	// then keeps resetting the idle timeout; this ends it.
	ChunkBase time.Duration
	MinRate   int64 // bytes per second

	MaxChunkBytes int64

	// Progress is called at most every 250 ms and once at the end. It runs on
	// Download's own goroutine and must not block.
	Progress func(Progress)
	// ChunkDone is called with the segment's Index (on its track) after
	// each chunk is complete on disk (from worker goroutines, serialised by
	// Download).
	ChunkDone func(index int, size int64)
}

// Progress is a snapshot of a running download.
type Progress struct {
	Done, Total int
	Resumed     int   // chunks found complete on disk at the start
	Bytes       int64 // bytes on disk, including resumed chunks and partial ones
	Speed       float64
	ETA         time.Duration
}

// ChunkName is the file name of the main track's chunk i (see FileName).
func ChunkName(i int) string { return FileName(playlist.Segment{Index: i}) }

// FileName is seg's file name inside the job folder. Names come from the
// track and index only, never from the segment's URI. A separate audio
// rendition's chunks are audio_NNNNNN.ts, numbered from 0 like the main
// track's chunk_NNNNNN.ts: the names earlier versions wrote, so their job
// folders resume.
func FileName(seg playlist.Segment) string {
	if seg.Track == playlist.Audio {
		return fmt.Sprintf("audio_%06d.ts", seg.Index)
	}
	return fmt.Sprintf("chunk_%06d.ts", seg.Index)
}

// Complete reports whether the main track's chunk i is already on disk.
func Complete(dir string, i int) (int64, bool) {
	return Stored(dir, playlist.Segment{Index: i})
}

// Stored reports whether seg's chunk is already on disk, and its size.
func Stored(dir string, seg playlist.Segment) (int64, bool) {
	// Lstat: a link planted under a chunk's name is not a chunk (it is
	// downloaded again, and the rename replaces the link).
	st, err := os.Lstat(filepath.Join(dir, FileName(seg)))
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
		return 0, false
	}
	return st.Size(), true
}

// Download fetches every segment not yet in opts.Dir. On failure the chunks
// already complete stay on disk; partial ones are removed.
func Download(ctx context.Context, segs []playlist.Segment, opts Options) error {
	opts.defaults()
	if opts.Client == nil {
		return errors.New("fetch: no HTTP client")
	}
	d := &downloader{opts: opts, total: len(segs), auxCache: map[string][]byte{}}

	var todo []playlist.Segment
	for _, s := range segs {
		if size, ok := Stored(opts.Dir, s); ok {
			d.done.Add(1)
			d.resumed++
			d.bytes.Add(size)
			continue
		}
		todo = append(todo, s)
	}
	d.startBytes = d.bytes.Load()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	queue := make(chan playlist.Segment)
	var wg sync.WaitGroup
	g := newGate(opts.Jobs)
	workers := min(max(opts.Jobs, opts.MaxJobs), len(todo))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g.acquire(ctx) {
				seg, ok := <-queue
				if !ok {
					g.release()
					return
				}
				err := d.fetchWithRetry(ctx, seg)
				g.release()
				if err != nil {
					cancel(err)
					return
				}
			}
		}()
	}

	stop := make(chan struct{})
	reported := make(chan struct{})
	go d.report(stop, reported)
	if opts.MaxJobs > opts.Jobs {
		go d.adapt(g, opts.MaxJobs, stop)
	}

feed:
	for _, s := range todo {
		select {
		case queue <- s:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	close(stop)
	<-reported

	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

func (o *Options) defaults() {
	if o.Jobs <= 0 {
		o.Jobs = DefaultJobs
	}
	if o.Retries <= 0 {
		o.Retries = DefaultRetries
	}
	if o.AuthRetries <= 0 {
		o.AuthRetries = DefaultAuthRetries
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.ChunkBase <= 0 {
		o.ChunkBase = DefaultChunkBase
	}
	if o.MinRate <= 0 {
		o.MinRate = DefaultMinRate
	}
	if o.AdaptInterval <= 0 {
		o.AdaptInterval = DefaultAdaptInterval
	}
	if o.MaxChunkBytes <= 0 {
		o.MaxChunkBytes = DefaultMaxChunkBytes
	}
}

type downloader struct {
	opts       Options
	total      int
	resumed    int
	startBytes int64
	done       atomic.Int64
	bytes      atomic.Int64
	pushback   atomic.Int64 // 429/503 answers since adapt last looked
	// announced and announcedN add up the lengths the host announced for
	// the chunks it began to send, so the time left can be told before
	// the first chunk is complete (a slow host, big chunks).
	announced  atomic.Int64
	announcedN atomic.Int64
	mu         sync.Mutex // serialises ChunkDone
	auxMu      sync.Mutex
	auxCache   map[string][]byte // keys and init sections by address
}

// fetchWithRetry tries one segment until it is on disk, the error is not
// worth retrying, or the retries for its kind of error are used up.
func (d *downloader) fetchWithRetry(ctx context.Context, seg playlist.Segment) error {
	var authFails, otherFails int
	for {
		n, err := d.fetchOnce(ctx, seg)
		if err == nil {
			d.done.Add(1)
			if d.opts.ChunkDone != nil {
				d.mu.Lock()
				d.opts.ChunkDone(seg.Index, n)
				d.mu.Unlock()
			}
			return nil
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if isPushback(err) {
			d.pushback.Add(1)
		}
		var local *localError
		if !web.Retryable(err) || errors.As(err, &local) {
			return fmt.Errorf("chunk %d: %w", seg.Index+1, err)
		}
		attempt := 0
		if web.IsCredentialError(err) {
			authFails++
			attempt = authFails
			if authFails > d.opts.AuthRetries {
				return fmt.Errorf("chunk %d: %w", seg.Index+1, err)
			}
		} else {
			otherFails++
			attempt = otherFails
			if otherFails > d.opts.Retries {
				return fmt.Errorf("chunk %d failed %d times, last: %w", seg.Index+1, otherFails, err)
			}
		}
		if err := sleep(ctx, backoff(d.opts.Backoff, d.opts.MaxBackoff, attempt)); err != nil {
			return context.Cause(ctx)
		}
	}
}

// backoff doubles from base for each attempt, capped at max, with full jitter
// in its upper half so parallel workers hitting the same fault spread out.
func backoff(base, max time.Duration, attempt int) time.Duration {
	d := base << min(attempt-1, 16)
	if d > max || d <= 0 {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fetchOnce downloads seg into a temporary file, checks its length, and
// renames it into place. It returns the chunk's size.
func (d *downloader) fetchOnce(parent context.Context, seg playlist.Segment) (int64, error) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	// A stalled connection sends nothing, or too little to ever finish;
	// cancel it so the retry can use a fresh one.
	wd := newWatchdog(d.opts, func() { cancel(ErrStalled) })
	defer wd.stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, seg.URL, nil)
	if err != nil {
		return 0, web.Permanent(fmt.Errorf("bad chunk address: %s", web.Redact(err.Error())))
	}
	if err := web.CheckScheme(req.URL); err != nil {
		return 0, web.Permanent(fmt.Errorf("chunk %d: %w", seg.Index+1, err))
	}
	host := req.URL.Hostname() // the one that stalls, if any
	want := int64(-1)
	if seg.Range != nil {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", seg.Range.Offset, seg.Range.Offset+seg.Range.Length-1))
		want = seg.Range.Length
	}
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		return 0, netError(ctx, err, host)
	}
	defer resp.Body.Close()
	host = resp.Request.URL.Hostname()
	switch {
	case seg.Range != nil && resp.StatusCode == http.StatusPartialContent:
	case seg.Range == nil && resp.StatusCode == http.StatusOK:
		want = resp.ContentLength
	default:
		return 0, web.NewStatusError(resp.StatusCode, seg.URL)
	}
	if want > d.opts.MaxChunkBytes {
		return 0, d.tooLarge(seg)
	}
	if want > 0 {
		d.announced.Add(want)
		d.announcedN.Add(1)
	}

	final := filepath.Join(d.opts.Dir, FileName(seg))
	tmp := final + ".part"
	f, err := safefile.Create(tmp, 0o600) // never through a link planted under tmp
	if err != nil {
		return 0, &localError{err}
	}
	body := &countingReader{r: io.LimitReader(resp.Body, d.opts.MaxChunkBytes+1), wd: wd, total: &d.bytes}
	w := &fileWriter{f: f}
	out, finish, prepErr := d.prepare(ctx, seg, w)
	var n int64
	var copyErr error
	if prepErr == nil {
		n, copyErr = io.Copy(out, body)
		if copyErr == nil && w.err == nil {
			copyErr = finish()
		}
	}
	closeErr := f.Close()
	ok := false
	defer func() {
		if !ok {
			d.bytes.Add(-n)
			os.Remove(tmp)
		}
	}()
	switch {
	case prepErr != nil:
		return 0, prepErr
	case w.err != nil:
		return 0, &localError{w.err}
	case errors.Is(copyErr, errBadPadding):
		return 0, fmt.Errorf("chunk %d: %w", seg.Index+1, copyErr)
	case copyErr != nil:
		return 0, netError(ctx, copyErr, host)
	case closeErr != nil:
		return 0, &localError{closeErr}
	case n > d.opts.MaxChunkBytes:
		return 0, d.tooLarge(seg)
	case n == 0:
		return 0, &shortError{index: seg.Index, got: 0, want: want}
	case want >= 0 && n != want:
		return 0, &shortError{index: seg.Index, got: n, want: want}
	}
	if err := os.Rename(tmp, final); err != nil {
		return 0, &localError{err}
	}
	ok = true
	return n, nil
}

// tooLarge is the error for a chunk over MaxChunkBytes: the same chunk is as
// large the next time, so it is not retried.
func (d *downloader) tooLarge(seg playlist.Segment) error {
	return web.Permanent(fmt.Errorf("chunk %d is larger than %d MB; this does not look like a video chunk", seg.Index+1, d.opts.MaxChunkBytes>>20))
}

// localError is a failure to write into the job folder (disk full, folder
// removed or read-only): retrying the download cannot help.
type localError struct{ err error }

func (e *localError) Error() string { return "cannot write to the job folder: " + e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// fileWriter tells write errors apart from read errors in io.Copy.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// netError turns transport errors into errors without secrets: a stall
// names host, a refused redirect stays what it is (final), the rest are
// retryable.
func netError(ctx context.Context, err error, host string) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrStalled) {
		return &web.StallError{Host: host}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var redirect *web.RedirectError
	if errors.As(err, &redirect) {
		return redirect
	}
	if words, ok := web.Describe(err); ok {
		return fmt.Errorf("connection problem: %s", words)
	}
	return fmt.Errorf("connection problem: %s", web.Redact(err.Error()))
}

// shortError is a body that ended before its announced length: retryable.
type shortError struct {
	index     int
	got, want int64
}

func (e *shortError) Error() string {
	if e.want < 0 {
		return fmt.Sprintf("chunk %d arrived empty", e.index+1)
	}
	return fmt.Sprintf("chunk %d arrived incomplete (%d of %d bytes)", e.index+1, e.got, e.want)
}

// countingReader adds what it reads to a shared counter for live progress
// and tells the watchdog whenever data arrives.
type countingReader struct {
	r     io.Reader
	wd    *watchdog
	total *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.wd.arrived(n)
		c.total.Add(int64(n))
	}
	return n, err
}

// watchdog ends one attempt at a chunk whose host sends too little: nothing
// for IdleTimeout, or less than the pace of ChunkBase and MinRate. The idle
// timeout alone is reset by every byte, so a host trickling a byte every few
// seconds would hold the chunk forever. arrived runs on the reading
// goroutine only; the timer's function only cancels.
type watchdog struct {
	timer *time.Timer
	pace  web.Pace
	idle  time.Duration
	start time.Time
	got   int64
}

func newWatchdog(o Options, fire func()) *watchdog {
	w := &watchdog{pace: web.Pace{Base: o.ChunkBase, MinRate: o.MinRate}, idle: o.IdleTimeout, start: time.Now()}
	w.timer = time.AfterFunc(w.left(w.start), fire)
	return w
}

// left is how long the host may now send nothing more.
func (w *watchdog) left(now time.Time) time.Duration {
	return max(0, min(w.idle, w.pace.Left(w.start, now, w.got)))
}

func (w *watchdog) arrived(n int) {
	w.got += int64(n)
	w.timer.Reset(w.left(time.Now()))
}

func (w *watchdog) stop() { w.timer.Stop() }

// report emits Progress until stop is closed, then once more.
func (d *downloader) report(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	if d.opts.Progress == nil {
		<-stop
		return
	}
	start := time.Now()
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	var window speedWindow
	for {
		select {
		case <-stop:
			d.opts.Progress(d.snapshot(window.rate()))
			return
		case now := <-t.C:
			window.add(now, d.bytes.Load()-d.startBytes)
			if now.Sub(start) >= progressInterval {
				d.opts.Progress(d.snapshot(window.rate()))
			}
		}
	}
}

func (d *downloader) snapshot(speed float64) Progress {
	p := Progress{Done: int(d.done.Load()), Total: d.total, Resumed: d.resumed, Bytes: d.bytes.Load(), Speed: speed}
	if speed <= 0 || p.Done >= p.Total {
		return p
	}
	// A chunk's size: what the finished ones took on average, or before
	// any is finished what the host announced for those it is sending.
	var perChunk float64
	if p.Done > 0 {
		perChunk = float64(p.Bytes) / float64(p.Done)
	} else if n := d.announcedN.Load(); n > 0 {
		perChunk = float64(d.announced.Load()) / float64(n)
	}
	if remaining := perChunk*float64(p.Total) - float64(p.Bytes); remaining > 0 {
		p.ETA = time.Duration(remaining / speed * float64(time.Second)).Round(time.Second)
	}
	return p
}

// speedWindow averages throughput over the last few seconds, so the number
// the user sees moves smoothly but still reacts to a host slowing down.
type speedWindow struct {
	times []time.Time
	bytes []int64
}

const windowLen = 12 // samples at 250 ms: 3 s

func (w *speedWindow) add(t time.Time, b int64) {
	w.times = append(w.times, t)
	w.bytes = append(w.bytes, b)
	if len(w.times) > windowLen {
		w.times = w.times[1:]
		w.bytes = w.bytes[1:]
	}
}

func (w *speedWindow) rate() float64 {
	if len(w.times) < 2 {
		return 0
	}
	dt := w.times[len(w.times)-1].Sub(w.times[0]).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(w.bytes[len(w.bytes)-1]-w.bytes[0]) / dt
}
