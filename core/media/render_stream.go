package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Rendering while downloading. When the cut and the offset are known before
// the download ends (the command line), the render need not wait for the
// last chunk: ffmpeg reads the joined stream through two pipes (picture and
// sound, as renderArgs reads the joined file twice) that are fed each chunk,
// in order, as soon as it is on disk. The MP4 is then finished moments after
// the last byte arrives. Pipes beyond stdin need inherited file descriptors,
// which Windows does not give a child this way; there, and for streams that
// are not one joined MPEG-TS stream, Render waits for every chunk instead.

// streamable tells whether spec can be rendered while downloading (the
// picture's clock is probed the way the joined file is read: ffmpeg 5.0+).
// Evening out the sound measures all of it first, so it waits.
func (t Tools) streamable(spec RenderSpec) bool {
	return atLeast(t.Major, t.Minor, 5, 0) && spec.OneStream && !spec.Fragmented && len(spec.AudioChunks) == 0 && !spec.reencodes() && !spec.Loudness && runtime.GOOS != "windows" && len(spec.Durations) == len(spec.Chunks)
}

// errStopped: ffmpeg stopped reading (done with --end, or failed: its own
// error tells why).
var errStopped = errors.New("ffmpeg stopped reading")

// errEndOnPicture: the render has an end and B-frame pictures, whose
// end is chosen from the pictures around it (see endOnPicture), which
// are not on disk yet: it renders once the download is done instead.
var errEndOnPicture = errors.New("the end is chosen once its chunks are there")

// planAhead is how much past the start the stream render waits for before
// choosing its keyframe: enough to see the keyframe at or after the start.
const planAhead = 2 * keyframeSearch / 3

func (t Tools) renderStream(ctx context.Context, spec RenderSpec) (Cut, error) {
	first, base := window(spec)
	// Wait for the chunks the cut can land in, then plan on them alone.
	need := spec.Start - base + max(spec.AudioOffset, 0) + planAhead
	upto := first
	for have := time.Duration(0); upto < len(spec.Chunks); upto++ {
		if err := spec.Ready(ctx, upto); err != nil {
			return Cut{}, err
		}
		have += spec.Durations[upto]
		if have >= need {
			upto++
			break
		}
	}
	p, err := t.plan(ctx, spec, upto)
	if err != nil && upto < len(spec.Chunks) {
		// No picture to start from yet (a very long run without a
		// keyframe): plan on everything once it is there.
		for i := upto; i < len(spec.Chunks); i++ {
			if err := spec.Ready(ctx, i); err != nil {
				return Cut{}, err
			}
		}
		p, err = t.plan(ctx, spec, len(spec.Chunks))
	}
	if err != nil {
		return Cut{}, err
	}
	if p.cut.Duration > 0 && p.cut.reorder > 0 {
		return Cut{}, errEndOnPicture
	}
	_, last := Span(spec)
	// The sound's codec is known from the first chunks; holes and drift
	// only once all are there (see Render).
	p.cut.sound = codecFix(p.tracks)
	p.cut.Converted = converted(p.tracks)

	tmp, err := tempOutput(spec.Output)
	if err != nil {
		return Cut{}, err
	}
	defer os.Remove(tmp)
	var readers, writers []*os.File
	defer func() {
		for _, f := range append(readers, writers...) {
			f.Close()
		}
	}()
	for range 2 {
		r, w, err := os.Pipe()
		if err != nil {
			return Cut{}, err
		}
		readers, writers = append(readers, r), append(writers, w)
	}
	pipes := pipeSource(p.src.origin)
	pipes.opts["f"] = p.src.opts["f"] // MPEG-TS, or packed audio (see asPacked)
	c := t.renderArgs(pipes, tmp, spec, p.cut)
	spec.noReorderDelay = p.cut.reorder > 0

	// The feeders stop ffmpeg (through ctx) if a chunk cannot come: the
	// half-fed MP4 must not be finished and kept.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	fed := make(chan error, len(writers))
	for _, w := range writers {
		go func() {
			err := feed(ctx, spec, first, last, w)
			w.Close()
			if err != nil && !errors.Is(err, errStopped) {
				cancel(err)
			}
			fed <- err
		}()
	}
	runErr := t.runRender(ctx, c, readers, spec, tmp)
	cancel(nil) // a feeder may still wait for a chunk ffmpeg no longer needs
	for range writers {
		if err := <-fed; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, errStopped) {
			return Cut{}, err // the download's failure says more than ffmpeg's
		}
	}
	if runErr != nil && !isTaken(runErr) {
		return Cut{}, runErr
	}
	p.cut.Drift = t.drift(ctx, spec, p)
	return p.cut, runErr
}

// feed copies chunks first..last into w, each as soon as it is ready.
func feed(ctx context.Context, spec RenderSpec, first, last int, w io.Writer) error {
	for i := first; i <= last; i++ {
		if err := spec.Ready(ctx, i); err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(spec.Dir, spec.Chunks[i]))
		if err != nil {
			return fmt.Errorf("cannot read a downloaded chunk: %w", err)
		}
		_, err = io.Copy(w, f)
		f.Close()
		if err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return errStopped
		}
	}
	return nil
}

// pipeSource reads the joined stream from the inherited descriptors 3
// (picture) and 4 (sound); origin is where its clock starts, as probed.
func pipeSource(origin time.Duration) source {
	// ffmpeg reads each pipe in its own thread and, between inputs whose
	// packets are not ready, sleeps 10 ms; with its default queue of 8
	// packets per input that caps the render at a few MB/s.
	return source{url: "pipe:3", audioURL: "pipe:4", copyts: true, origin: origin,
		opts: ffmpeg.KwArgs{"f": "mpegts", "thread_queue_size": "1024"}}
}

// repairStreamed plans the render of spec again once a streamed render is
// done, every chunk then on disk, and returns the plan when the sound has
// holes or drifts (see soundPlan): those show only in the whole stream, and
// are rare, so the render is done again then, rather than every render
// waiting for the last chunk. nil: the streamed video stands (also when the
// chunks cannot be read again: it is as good as the render could make it);
// cut, told where its picture was missing (which needs no second render).
func (t Tools) repairStreamed(ctx context.Context, spec RenderSpec, cut *Cut) *plan {
	p, err := t.plan(ctx, spec, len(spec.Chunks))
	if err != nil || t.soundPlan(ctx, spec, p) != nil {
		return nil
	}
	cut.PictureHoles = p.cut.PictureHoles
	if len(p.cut.Holes) == 0 && p.cut.Stretched == 0 {
		return nil
	}
	return p
}
