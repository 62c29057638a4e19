package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // rescue.Frame returns PNG or JPEG
	_ "image/png"
	"io"
	"sync"
	"time"

	"replayrescue/app/internal/backend"
)

// frameLoader fetches preview pictures in the background so the window
// never waits for ffmpeg: about 130 ms a picture on a slow machine with the
// ffmpeg the job starts ahead (media.Frames), several hundred without.
//
//   - While a handle is dragged, a picture is asked for once the pointer
//     rests for dragDelay, and at most one is fetched at a time: each one
//     that arrives is shown if nothing newer is on screen, so the preview
//     follows a slow drag instead of waiting for the end.
//   - Letting go (or typing a time) asks at once and cancels the fetch in
//     flight if it is for another moment, so the release gets the machine.
//   - Recent pictures are cached, so going back to a position is instant.
type frameLoader struct {
	b      *bridge
	job    backend.JobRunner
	width  int
	timing io.Writer // where to report latencies; nil = quiet

	mu       sync.Mutex
	cache    map[time.Duration]image.Image
	order    []time.Duration // oldest first, for eviction
	seq      int             // the newest request
	shownSeq int             // the request whose picture is on screen
	timer    *time.Timer
	flight   *frameRequest // being fetched
	next     *frameRequest // waiting for flight to finish (dragging)
	closed   bool
}

type frameRequest struct {
	seq    int
	at     time.Duration
	asked  time.Time
	wait   time.Duration
	show   func(image.Image)
	fail   func(error)
	ctx    context.Context
	cancel context.CancelFunc
}

// frameCacheSize bounds memory: 48 previews of ~960x540 are ~100 MB at most.
const frameCacheSize = 48

// dragDelay is how long a moving handle must rest before its picture loads.
const dragDelay = 120 * time.Millisecond

func newFrameLoader(b *bridge, j backend.JobRunner, width int) *frameLoader {
	return &frameLoader{b: b, job: j, width: width, cache: map[time.Duration]image.Image{}}
}

// want asks for the picture at at. wait > 0 means a handle is moving: fetch
// only after the pointer rests that long. show gets the picture on the UI
// thread unless a newer one is already shown; fail gets errors other than
// cancellation for the newest request.
func (f *frameLoader) want(at, wait time.Duration, show func(image.Image), fail func(error)) {
	at = at.Round(100 * time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.seq++
	r := &frameRequest{seq: f.seq, at: at, asked: time.Now(), wait: wait, show: show, fail: fail}
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	f.next = nil
	if img, ok := f.cache[at]; ok {
		f.shownSeq = r.seq
		if f.flight != nil && wait == 0 {
			f.flight.cancel()
		}
		show(img) // on the UI thread already: want is called from widgets
		return
	}
	if wait > 0 {
		f.timer = time.AfterFunc(wait, func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.closed || r.seq != f.seq {
				return
			}
			if f.flight != nil {
				f.next = r // one fetch at a time while dragging
				return
			}
			f.start(r)
		})
		return
	}
	if fl := f.flight; fl != nil {
		if fl.at == at {
			// The pointer rested here before letting go: that fetch is
			// this picture, so it answers this request.
			fl.seq, fl.show, fl.fail, fl.asked, fl.wait = r.seq, show, fail, r.asked, 0
			return
		}
		fl.cancel()
	}
	f.start(r)
}

// start fetches r on a goroutine; f.mu is held.
func (f *frameLoader) start(r *frameRequest) {
	r.ctx, r.cancel = context.WithCancel(context.Background())
	f.flight = r
	go func() {
		img, err := f.fetch(r.ctx, r.at)
		f.mu.Lock()
		if f.flight == r {
			f.flight = nil
		}
		if next := f.next; next != nil && !f.closed && f.flight == nil {
			f.next = nil
			f.start(next)
		}
		f.mu.Unlock()
		r.cancel()
		f.b.show(func() { f.deliver(r, img, err) })
	}()
}

// deliver runs on the UI thread.
func (f *frameLoader) deliver(r *frameRequest, img image.Image, err error) {
	f.mu.Lock()
	seq, show, fail, asked, wait := r.seq, r.show, r.fail, r.asked, r.wait
	fresh := !f.closed && seq > f.shownSeq
	newest := seq == f.seq
	closed := f.closed
	if fresh && err == nil {
		f.shownSeq = seq
	}
	f.mu.Unlock()
	if err != nil {
		if newest && !closed && !errors.Is(err, context.Canceled) && fail != nil {
			fail(err)
		}
		return
	}
	if !fresh {
		return
	}
	show(img)
	if f.timing != nil && newest {
		how := "after the handle was let go or the time typed"
		if wait > 0 {
			how = "after the pointer came to rest mid-drag"
		}
		fmt.Fprintf(f.timing, "preview at %s shown %v %s\n", backend.FormatClock(r.at), time.Since(asked).Round(time.Millisecond), how)
	}
}

// fetch gets and decodes one picture, caching it.
func (f *frameLoader) fetch(ctx context.Context, at time.Duration) (image.Image, error) {
	data, err := f.job.Frame(ctx, at, f.width)
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errNoPicture
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.cache[at]; !ok {
		f.cache[at] = img
		f.order = append(f.order, at)
		if len(f.order) > frameCacheSize {
			delete(f.cache, f.order[0])
			f.order = f.order[1:]
		}
	}
	return img, nil
}

// errNoPicture: ffmpeg answered, but not with a picture (past the last
// frame of a chunk, say).
var errNoPicture = errors.New("no picture could be made at this point")

// stop cancels whatever is pending; the loader ignores later requests.
func (f *frameLoader) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	if f.flight != nil {
		f.flight.cancel()
	}
	if f.timer != nil {
		f.timer.Stop()
	}
	f.next = nil
}

// stopped tells whether stop was called: the loader takes no more requests.
func (f *frameLoader) stopped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// loadThumbs fetches small pictures at times, one after another on one
// goroutine (they matter less than the big preview), handing each to set on
// the UI thread.
func loadThumbs(ctx context.Context, b *bridge, j backend.JobRunner, times []time.Duration, width int, set func(i int, img image.Image)) {
	go func() {
		for i, at := range times {
			if ctx.Err() != nil {
				return
			}
			data, err := j.Frame(ctx, at, width)
			if err != nil {
				continue
			}
			img, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				continue
			}
			b.show(func() {
				if ctx.Err() == nil {
					set(i, img)
				}
			})
		}
	}()
}
