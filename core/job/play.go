package job

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/media"
	"replayrescue/core/player"
)

// PlaySource is what the window's player plays of t: the pictures and sound
// of the downloaded chunks, on the timeline the previews use. A talk in
// several parts plays on from one part into the next: each part's pictures
// and sound take exactly the part's place on the talk's timeline (sound
// cut or padded with silence to the part's length), so the next part's
// start is where its pictures and sound begin. The sync offset is the
// player's, one at a time: the window gives it the offset of the part
// playing.
func (t *Talk) PlaySource() player.Source { return playSource{t} }

type playSource struct{ t *Talk }

// partStart is where part i starts on the talk's timeline.
func (s playSource) partStart(i int) time.Duration {
	var at time.Duration
	for _, p := range s.t.parts[:i] {
		at += p.duration()
	}
	return at
}

// last tells whether part i is the talk's last.
func (s playSource) last(i int) bool { return i == len(s.t.parts)-1 }

func (s playSource) Pictures(ctx context.Context, from time.Duration, width int) (player.Pictures, error) {
	i, local := s.t.PartAt(from)
	pics, err := s.pictures(ctx, i, local, width)
	if err != nil {
		return nil, err
	}
	p := &talkPictures{s: s, ctx: ctx, width: width, part: i}
	p.place(pics)
	return p, nil
}

// talkPictures are the pictures from one part on. The next part's decoder
// starts a little before one part's pictures end (see ahead), so that its
// first pictures are ready at the seam.
type talkPictures struct {
	s     playSource
	ctx   context.Context
	width int
	part  int
	pics  *media.Pictures            // the part's decoder
	next  *starting[*media.Pictures] // the next part's, once asked for; nil before
	shift time.Duration              // where the part starts on the talk's timeline
	end   time.Duration              // where the next part starts; 0 for the last
}

// ahead is how long before a part's end the next part's decoders start:
// starting one (a probe and a process) takes a moment, which must not be
// taken out of the seam's pictures or sound.
const ahead = 3 * time.Second

// starting is a decoder being started in the background, so that the one
// playing goes on meanwhile.
type starting[T io.Closer] struct {
	done chan struct{}
	v    T
	err  error
}

func startSoon[T io.Closer](open func() (T, error)) *starting[T] {
	s := &starting[T]{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.v, s.err = open()
	}()
	return s
}

// wait is the decoder once started.
func (s *starting[T]) wait() (T, error) {
	<-s.done
	return s.v, s.err
}

// drop closes the decoder once started, without waiting for it.
func (s *starting[T]) drop() {
	go func() {
		if v, err := s.wait(); err == nil {
			_ = v.Close()
		}
	}()
}

// place makes pics, decoding p.part, the pictures given.
func (p *talkPictures) place(pics *media.Pictures) {
	p.pics, p.shift, p.end = pics, p.s.partStart(p.part), 0
	if !p.s.last(p.part) {
		p.end = p.shift + p.s.t.parts[p.part].duration()
	}
}

// pictures starts part i's picture decoder from time local of it.
func (s playSource) pictures(ctx context.Context, i int, local time.Duration, width int) (*media.Pictures, error) {
	part := s.t.parts[i]
	if err := part.downloaded(); err != nil {
		return nil, err
	}
	spec, err := part.playSpec(ctx, s.t.opts.Tools)
	if err != nil {
		return nil, err
	}
	pics, err := s.t.opts.Tools.PlayPictures(ctx, spec, local, width)
	if err != nil {
		return nil, explainMedia(err)
	}
	return pics, nil
}

func (p *talkPictures) Next() (player.Frame, error) {
	for {
		at, img, err := p.pics.Next()
		if err == nil && (p.end == 0 || at+p.shift < p.end) {
			if p.end > 0 && p.next == nil && at+p.shift >= p.end-ahead {
				next := p.part + 1
				p.next = startSoon(func() (*media.Pictures, error) { return p.s.pictures(p.ctx, next, 0, p.width) })
			}
			return player.Frame{At: at + p.shift, Image: img}, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return player.Frame{}, err
		}
		// The part is over (its pictures, or its place on the timeline).
		if p.s.last(p.part) {
			return player.Frame{}, io.EOF
		}
		_ = p.pics.Close()
		p.part++
		var next *media.Pictures
		if p.next != nil {
			next, err = p.next.wait()
			p.next = nil
		} else {
			next, err = p.s.pictures(p.ctx, p.part, 0, p.width)
		}
		if err != nil {
			p.pics = nil
			return player.Frame{}, err
		}
		p.place(next)
	}
}

func (p *talkPictures) Close() error {
	if p.next != nil {
		p.next.drop()
	}
	if p.pics == nil {
		return nil
	}
	return p.pics.Close()
}

func (s playSource) Sound(ctx context.Context, from time.Duration) (io.ReadCloser, error) {
	i, local := s.t.PartAt(from)
	snd := &talkSound{s: s, ctx: ctx, part: i}
	cur, err := s.sound(ctx, i, local)
	if err != nil {
		return nil, err
	}
	snd.use(cur, local)
	return snd, nil
}

// talkSound is the sound from one part on: each part but the last cut or
// padded with silence to the part's length, then the next part's, whose
// decoder starts a little before (see ahead).
type talkSound struct {
	s    playSource
	ctx  context.Context
	part int
	cur  io.ReadCloser            // the part's decoder
	next *starting[io.ReadCloser] // the next part's, once asked for; nil before
	left int64                    // bytes of the part's place still to give; -1 for the last part
	done bool                     // the decoder ended: silence until left is 0
}

// sound starts part i's sound decoder from time local of it.
func (s playSource) sound(ctx context.Context, i int, local time.Duration) (io.ReadCloser, error) {
	part := s.t.parts[i]
	if err := part.downloaded(); err != nil {
		return nil, err
	}
	spec, err := part.playSpec(ctx, s.t.opts.Tools)
	if err != nil {
		return nil, err
	}
	snd, err := s.t.opts.Tools.PlaySound(ctx, spec, local)
	if err != nil {
		return nil, explainMedia(err)
	}
	return snd, nil
}

// use makes snd, decoding r.part from time local, the sound given.
func (r *talkSound) use(snd io.ReadCloser, local time.Duration) {
	r.cur, r.done, r.left = snd, false, -1
	if !r.s.last(r.part) {
		r.left = player.SoundBytes(r.s.t.parts[r.part].duration()) - player.SoundBytes(local)
	}
}

func (r *talkSound) Read(b []byte) (int, error) {
	for {
		if r.left < 0 { // the last part: its sound as it is
			return r.cur.Read(b)
		}
		if r.next == nil && r.left <= player.SoundBytes(ahead) {
			next := r.part + 1
			r.next = startSoon(func() (io.ReadCloser, error) { return r.s.sound(r.ctx, next, 0) })
		}
		if r.left == 0 {
			_ = r.cur.Close()
			r.part++
			next, err := r.next.wait() // asked for above
			r.next = nil
			if err != nil {
				r.cur = io.NopCloser(bytes.NewReader(nil))
				return 0, err
			}
			r.use(next, 0)
			continue
		}
		if int64(len(b)) > r.left {
			b = b[:r.left]
		}
		if r.done {
			clear(b)
			r.left -= int64(len(b))
			return len(b), nil
		}
		n, err := r.cur.Read(b)
		r.left -= int64(n)
		if errors.Is(err, io.EOF) {
			r.done, err = true, nil // the part's sound ended before its place did
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

func (r *talkSound) Close() error {
	if r.next != nil {
		r.next.drop()
	}
	return r.cur.Close()
}

// playSpec names p's chunks for the player; a plain file is played whole.
func (p *part) playSpec(ctx context.Context, tools media.Tools) (media.PlaySpec, error) {
	spec := media.PlaySpec{Dir: p.dir}
	if p.pl.File {
		w, err := p.openWhole(ctx, tools)
		spec.Whole = w
		return spec, err
	}
	for _, seg := range p.pl.Segments {
		spec.Chunks = append(spec.Chunks, fetch.FileName(seg))
		spec.Durations = append(spec.Durations, seg.Duration)
	}
	if p.pl.Audio != nil {
		for _, seg := range p.pl.Audio.Segments {
			spec.AudioChunks = append(spec.AudioChunks, fetch.FileName(seg))
			spec.AudioDurations = append(spec.AudioDurations, seg.Duration)
		}
	}
	return spec, nil
}

// downloaded is nil once p's chunks are all on disk, else ErrNotDownloaded.
func (p *part) downloaded() error {
	if p.pl == nil {
		return ErrNotDownloaded
	}
	segs := p.pl.Segments
	if p.pl.Audio != nil {
		segs = append(segs[:len(segs):len(segs)], p.pl.Audio.Segments...)
	}
	for _, seg := range segs {
		if _, ok := fetch.Stored(p.dir, seg); !ok {
			return ErrNotDownloaded
		}
	}
	return nil
}
