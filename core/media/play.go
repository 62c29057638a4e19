package media

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	ffmpeg "github.com/u2takey/ffmpeg-go"
)

// PlaySpec names the local chunks of a video to play in the window.
type PlaySpec struct {
	Dir       string          // job folder holding the chunks
	Chunks    []string        // chunk file names, in play order
	Durations []time.Duration // the playlist's durations, parallel to Chunks
	// AudioChunks and AudioDurations are a separate audio rendition's, on
	// the same clock; empty when the sound is in Chunks.
	AudioChunks    []string
	AudioDurations []time.Duration
	// Whole, when set, is the plain video file the chunks are pieces of:
	// it is played whole (see Whole), and Chunks and Durations unused.
	Whole *Whole
}

// The pictures and sound a player gets: PlayRate pictures a second, and
// 48 kHz stereo signed 16-bit little-endian sound.
const (
	PlayRate       = 30
	PlaySampleRate = 48000
)

// Lists the player reads, apart from the render's so that both may run at
// once (names the job folder's clean-up knows as its own: render-NAME).
const (
	playPicturesList = "render-play.ffconcat"
	playSoundList    = "render-playsound.ffconcat"
)

// Pictures is a running decoder of pictures for the player.
type Pictures struct {
	cmd     *exec.Cmd
	out     io.ReadCloser
	w, h    int
	next    time.Duration // when the next picture is shown
	n       int           // pictures read
	closing sync.Once
}

// PlayPictures decodes the pictures of spec from time from on (the
// playlist's timeline, as previews count it) at PlayRate, at most width
// pixels wide. It reads the chunks from the one playing at from, counting
// from that chunk's first picture, as Frame does.
func (t Tools) PlayPictures(ctx context.Context, spec PlaySpec, from time.Duration, width int) (*Pictures, error) {
	if spec.Whole != nil {
		return t.wholePictures(ctx, spec.Whole, from, width)
	}
	k, off := ChunkAt(spec.Durations, from)
	if k < 0 {
		return nil, errors.New("nothing to play")
	}
	info, err := t.Probe(ctx, filepath.Join(spec.Dir, spec.Chunks[k]))
	if err != nil {
		return nil, err
	}
	v, ok := info.Stream("video")
	if !ok || v.Width <= 0 || v.Height <= 0 {
		return nil, errors.New("this video has no picture to play")
	}
	w := min(width, v.Width) &^ 1
	h := max(2, (w*v.Height/v.Width+1)&^1)
	list, err := writeEntries(spec.Dir, playPicturesList, spec.Chunks[k:], nil)
	if err != nil {
		return nil, err
	}
	chain := chain(
		filter("setpts", nil, "PTS-STARTPTS"),
		filter("fps", ffmpeg.KwArgs{"fps": fmt.Sprint(PlayRate), "start_time": secs6(off)}),
		filter("scale", ffmpeg.KwArgs{"w": fmt.Sprint(w), "h": fmt.Sprint(h)}),
		filter("format", ffmpeg.KwArgs{"pix_fmts": "rgba"}),
	)
	// The pictures leave the filters from off on, at PlayRate; passed
	// through as they are, or the raw muxer's constant rate would pad the
	// start with copies of the first back to zero.
	kw := ffmpeg.KwArgs{"an": "", "sn": "", "vf": chain, "f": "rawvideo", "pix_fmt": "rgba", "fps_mode": "passthrough"}
	if !atLeast(t.Major, t.Minor, 5, 1) {
		delete(kw, "fps_mode")
		kw["vsync"] = "0"
	}
	src := concatSource(list)
	out := ffmpeg.Output([]*ffmpeg.Stream{src.input()}, "pipe:1", kw)
	cmd, stdout, err := t.ffmpeg(out, ffRun{}).stream(ctx)
	if err != nil {
		return nil, err
	}
	return &Pictures{cmd: cmd, out: stdout, w: w, h: h, next: from}, nil
}

// Next is the next picture and when it is shown; io.EOF after the last.
func (p *Pictures) Next() (time.Duration, *image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
	if _, err := io.ReadFull(p.out, img.Pix); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return 0, nil, err
	}
	at := p.next + time.Duration(p.n)*time.Second/PlayRate
	p.n++
	return at, img, nil
}

// Close stops the decoder.
func (p *Pictures) Close() error {
	p.closing.Do(func() { stop(p.cmd, p.out) })
	return nil
}

// PlaySound decodes the sound of spec from time from on, in the format
// above: the sound that plays with the picture at from, silence where the
// chunk's sound begins after its first picture.
func (t Tools) PlaySound(ctx context.Context, spec PlaySpec, from time.Duration) (io.ReadCloser, error) {
	if w := spec.Whole; w != nil {
		if !w.hasSound {
			return io.NopCloser(eofReader{}), nil // no sound: the player plays silence
		}
		return t.wholeSound(ctx, w, from)
	}
	chunks, durations := spec.Chunks, spec.Durations
	if len(spec.AudioChunks) > 0 {
		chunks, durations = spec.AudioChunks, spec.AudioDurations
	}
	k, off := ChunkAt(durations, from)
	if k < 0 {
		return nil, errors.New("nothing to play")
	}
	// The chunk's times count from its first picture: where its sound
	// begins against that (a separate rendition has no picture: 0).
	var lead time.Duration
	if len(spec.AudioChunks) == 0 {
		info, err := t.Probe(ctx, filepath.Join(spec.Dir, chunks[k]))
		if err != nil {
			return nil, err
		}
		v, hasV := info.Stream("video")
		a, hasA := info.Stream("audio")
		if !hasA {
			return io.NopCloser(eofReader{}), nil // no sound: the player plays silence
		}
		if hasV {
			lead = a.Start - v.Start
		}
	}
	list, err := writeEntries(spec.Dir, playSoundList, chunks[k:], nil)
	if err != nil {
		return nil, err
	}
	// The sound at off after the first picture is at off-lead after the
	// first sample; before the first sample, silence.
	var filters []*ffmpeg.Node
	if at := off - lead; at >= 0 {
		filters = append(filters, filter("atrim", ffmpeg.KwArgs{"start": secs6(at)}), filter("asetpts", nil, "PTS-STARTPTS"))
	} else {
		filters = append(filters, filter("asetpts", nil, "PTS-STARTPTS"),
			filter("adelay", ffmpeg.KwArgs{"delays": fmt.Sprint((-at).Milliseconds()), "all": "1"}))
	}
	filters = append(filters, filter("aresample", nil, fmt.Sprint(PlaySampleRate)))
	src := concatSource(list)
	out := ffmpeg.Output([]*ffmpeg.Stream{src.input()}, "pipe:1", ffmpeg.KwArgs{
		"vn": "", "sn": "", "af": chain(filters...), "ac": "2", "f": "s16le", "c:a": "pcm_s16le"})
	cmd, stdout, err := t.ffmpeg(out, ffRun{}).stream(ctx)
	if err != nil {
		return nil, err
	}
	return &sound{cmd: cmd, out: stdout}, nil
}

// sound is a running sound decoder.
type sound struct {
	cmd     *exec.Cmd
	out     io.ReadCloser
	closing sync.Once
}

func (s *sound) Read(b []byte) (int, error) { return s.out.Read(b) }

func (s *sound) Close() error {
	s.closing.Do(func() { stop(s.cmd, s.out) })
	return nil
}

// eofReader is a stream with nothing in it.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// stream starts c with its stdout to read; the tool dies with ctx.
func (c ffcmd) stream(ctx context.Context) (*exec.Cmd, io.ReadCloser, error) {
	if c.err != nil {
		return nil, nil, c.err
	}
	cmd := command(ctx, c.tool, c.args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := start(cmd); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			return nil, nil, &MissingError{Tool: toolName(c.tool), GOOS: runtime.GOOS}
		}
		return nil, nil, err
	}
	return cmd, stdout, nil
}

// stop ends a decoder: its process killed, its output closed, and waited
// for, so no process outlives the player.
func stop(cmd *exec.Cmd, out io.Closer) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
	out.Close()
	_ = cmd.Wait()
}

// ChunkAt is the chunk playing at time at, by durations (a playlist's),
// and the offset into it; -1 when there are none. Previews and the player
// both find their chunk so.
func ChunkAt(durations []time.Duration, at time.Duration) (int, time.Duration) {
	at = max(at, 0)
	var t time.Duration
	for i, d := range durations {
		if at < t+d || i == len(durations)-1 {
			return i, min(at-t, d)
		}
		t += d
	}
	return -1, 0
}
