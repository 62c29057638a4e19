package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// Frames makes Frame's pictures with an ffmpeg started before it is asked.
//
// Most of a picture's time is ffmpeg starting: a Linux distribution's ffmpeg
// loads some two hundred shared libraries before it reads a byte, 150 to
// 250 ms of the 340 ms a preview took on a two-core machine, too slow for
// the edit screen's handles. So after each picture an ffmpeg is started and
// left waiting for its filter graph on its standard input
// (-filter_complex_script pipe:0); the next picture hands it one that reads
// the chunk through the movie filter and picks the picture as Frame does.
// Where that cannot work, pictures are made as Frame makes them. The waiting
// ffmpeg is ended when nobody asks for sparesIdle, so a job left
// open holds no process for long.
//
// The zero value is ready to use; a Frames is safe for concurrent use.
type Frames struct {
	mu    sync.Mutex
	spare *spareFFmpeg
	// plain names the ffmpeg whose spare failed where a process of its
	// own did not (no movie filter in a small build, an ffmpeg that no
	// longer takes -filter_complex_script): its pictures are made by
	// Frame, a process each.
	plain string
}

// sparesIdle is how long a started ffmpeg waits for a picture to make.
const sparesIdle = 2 * time.Minute

// spareFFmpeg is an ffmpeg waiting for its filter graph.
type spareFFmpeg struct {
	tool   string
	stdin  io.WriteCloser
	out    bytes.Buffer
	tail   tailBuffer
	done   chan struct{} // closed when it has ended, err set
	err    error
	cancel context.CancelFunc // ends it
	idle   *time.Timer        // ends it when nobody asks
}

// Frame is t.Frame made by a started ffmpeg: the same picture, sooner.
func (f *Frames) Frame(ctx context.Context, t Tools, path string, at time.Duration, maxWidth int) ([]byte, error) {
	if maxWidth <= 0 {
		maxWidth = 640
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := f.take(t)
	if err != nil || s == nil {
		// No spare can run here (no movie filter, or ffmpeg would not
		// start): the process of its own says why, if anything.
		return t.Frame(ctx, path, at, maxWidth)
	}
	defer f.refill(t)
	graph := chain(append([]*ffmpeg.Node{filter("movie", ffmpeg.KwArgs{"filename": optionValue("file:" + path)})},
		framePick(at, maxWidth)...)...) + "[v]"
	io.WriteString(s.stdin, graph) // a failure shows in how it ends
	s.stdin.Close()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.cancel()
		<-s.done
		return nil, ctx.Err()
	}
	s.cancel()
	switch {
	case s.err == nil && s.out.Len() == 0:
		return nil, ErrNoFrame
	case s.err == nil:
		return s.out.Bytes(), nil
	}
	// The spare failed. A process of its own tells whether the chunk is at
	// fault (it fails too, and says why) or the way the spare was asked:
	// an ffmpeg without the movie filter (a small build), or one that no
	// longer takes -filter_complex_script. Then pictures are made a
	// process each from now on.
	jpeg, err := t.Frame(ctx, path, at, maxWidth)
	if err == nil || errors.Is(err, ErrNoFrame) {
		f.mu.Lock()
		f.plain = t.FFmpeg
		f.mu.Unlock()
	}
	return jpeg, err
}

// take is the spare ffmpeg for t, started now if there is none; nil when
// t's ffmpeg has no movie filter.
func (f *Frames) take(t Tools) (*spareFFmpeg, error) {
	f.mu.Lock()
	s := f.spare
	f.spare = nil
	plain := f.plain == t.FFmpeg
	f.mu.Unlock()
	if s != nil && s.tool == t.FFmpeg && s.idle.Stop() {
		return s, nil
	}
	if s != nil {
		s.cancel() // another ffmpeg now, or ended for being idle
	}
	if plain {
		return nil, nil
	}
	return startSpare(t.FFmpeg)
}

// refill starts the next spare in the background, unless one is there.
func (f *Frames) refill(t Tools) {
	f.mu.Lock()
	if f.spare != nil || f.plain == t.FFmpeg {
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	go func() {
		s, err := startSpare(t.FFmpeg)
		if err != nil {
			return // the next picture starts its own, and says why
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.spare != nil {
			s.cancel()
			return
		}
		f.spare = s
	}()
}

// startSpare starts tool waiting for a filter graph that ends in [v], to
// write that graph's first picture as a JPEG.
func startSpare(tool string) (*spareFFmpeg, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &spareFFmpeg{tool: tool, done: make(chan struct{}), cancel: cancel, tail: tailBuffer{max: 16 << 10}}
	args := append(ffRun{}.flags(), "-filter_complex_script", "pipe:0", "-map", "[v]")
	args = append(args, ffmpeg.ConvertKwargsToCmdLineArgs(frameOutput())...)
	cmd := command(ctx, tool, append(args, "pipe:1")...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	s.stdin = stdin
	cmd.Stdout, cmd.Stderr = &limitWriter{w: &s.out, n: 32 << 20}, &s.tail
	if err := start(cmd); err != nil {
		cancel()
		return nil, err // Frame's own process then says why (MissingError...)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	s.idle = time.AfterFunc(sparesIdle, cancel)
	return s, nil
}
