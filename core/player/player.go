// Package player plays a saved-to-be video in the window, picture and sound
// together, with the trim and the sound's offset applied live: what the
// presenter sees and hears is what the save will make.
//
// A Source decodes (ffmpeg, from the job's own chunks); a Sink plays the
// sound (the sound device, or a clock that only keeps time where there is
// none); the Player paces the pictures by the sound's clock, so lips and
// voice meet as they will in the saved video. Moving the offset while it
// plays restarts only the sound, at the new offset, from where the listener
// is: the change is heard within the sound buffer's length.
package player

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"
	"time"
)

// The sound every Source gives and every Sink takes: 48 kHz, two channels,
// signed 16-bit little-endian samples.
const (
	SampleRate     = 48000
	Channels       = 2
	bytesPerSample = 2 * Channels
	bytesPerSecond = SampleRate * bytesPerSample
)

// Source decodes the video to play from a time on. Both decoders stop when
// ctx ends.
type Source interface {
	// Pictures decodes the pictures from time from on, at most width
	// pixels wide, each with the time it is shown at.
	Pictures(ctx context.Context, from time.Duration, width int) (Pictures, error)
	// Sound decodes the recording's sound from time from on (from >= 0),
	// in the format above. It may end before the pictures do.
	Sound(ctx context.Context, from time.Duration) (io.ReadCloser, error)
}

// Pictures is a running picture decoder.
type Pictures interface {
	// Next is the next picture; io.EOF after the last.
	Next() (Frame, error)
	Close() error
}

// Frame is one decoded picture and the time it is shown at.
type Frame struct {
	At    time.Duration
	Image *image.RGBA
}

// Sink plays sound at the listener's pace.
type Sink interface {
	// Play starts taking sound from r at the listener's pace, until Stop.
	Play(r io.Reader)
	// Heard is how much of what r gave has been heard so far.
	Heard() time.Duration
	// Stop stops taking sound and drops what is buffered.
	Stop()
}

// Options configure a Player.
type Options struct {
	Source Source
	Sink   Sink
	Width  int // pictures at most this wide; 0: 640
	// Show is called with each picture when it is due, from the Player's
	// goroutine: the caller moves it onto the UI thread.
	Show func(Frame)
	// Ended is called once when playing stops by itself (the end of the
	// range, or a decoder's failure, err), from the Player's goroutine.
	Ended func(at time.Duration, err error)
}

// Player plays one range of the video at a time. Its methods may be called
// from any goroutine.
type Player struct {
	o Options

	mu     sync.Mutex
	offset time.Duration // + the sound plays later than recorded
	run    *run          // nil when not playing
	pos    time.Duration // where it stopped, when not playing
}

// run is one Play until it stops: its decoders, and the clock.
type run struct {
	ctx    context.Context
	cancel context.CancelFunc
	end    time.Duration
	base   time.Duration // the timeline's time when the sink's sound began
	sound  io.Closer     // nil until the first picture is ready (see pace)
	done   chan struct{}
}

// New makes a Player; nothing plays until Play.
func New(o Options) *Player {
	if o.Width <= 0 {
		o.Width = 640
	}
	return &Player{o: o}
}

// SetOffset moves the sound later (+) or earlier (-) than recorded. While
// playing, the sound restarts at the new offset from where the listener
// is; the pictures go on undisturbed.
func (p *Player) SetOffset(d time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d == p.offset {
		return nil
	}
	p.offset = d
	r := p.run
	if r == nil || r.sound == nil {
		return nil // the sound starts with this offset
	}
	at := r.base + p.o.Sink.Heard()
	return p.startSound(r, at)
}

// Offset is the sound's offset in use.
func (p *Player) Offset() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.offset
}

// Play plays from time from until time to (the trim's end), stopping
// whatever played before.
func (p *Player) Play(from, to time.Duration) error {
	p.Stop()
	if to <= from {
		return errors.New("nothing to play: the end is before the start")
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{ctx: ctx, cancel: cancel, end: to, base: from, done: make(chan struct{})}
	p.mu.Lock()
	p.o.Sink.Stop()
	p.run = r
	p.mu.Unlock()
	// The decoders start on the player's goroutine: starting them takes
	// a moment (a probe and a process), which the caller (a window) must
	// not wait for. Their failure ends the run through Ended.
	go p.pace(r)
	return nil
}

// startSound (re)starts the sink with the sound heard at time at of the
// timeline: the recording's at-offset, silence where that is before the
// recording began, and silence after its end, so the clock never stalls.
// p.mu is held.
func (p *Player) startSound(r *run, at time.Duration) error {
	p.o.Sink.Stop()
	if r.sound != nil {
		r.sound.Close()
		r.sound = nil
	}
	from := at - p.offset
	var lead int64
	if from < 0 {
		lead = SoundBytes(-from)
		from = 0
	}
	snd, err := p.o.Source.Sound(r.ctx, from)
	if err != nil {
		return err
	}
	r.sound = snd
	r.base = at
	p.o.Sink.Play(io.MultiReader(io.LimitReader(zeros{}, lead), snd, zeros{}))
	return nil
}

// pace shows each picture when the sound's clock reaches it, dropping the
// ones it is too late for, until the end of the range.
func (p *Player) pace(r *run) {
	defer close(r.done)
	pics, err := p.o.Source.Pictures(r.ctx, r.base, p.o.Width)
	if err != nil {
		p.end(r, err)
		return
	}
	defer pics.Close()
	// The sound starts once the first picture is ready, so that a slow
	// start of the picture's decoder does not cost the first pictures.
	first, err := pics.Next()
	p.mu.Lock()
	if p.run == r && err == nil {
		err = p.startSound(r, r.base)
	}
	p.mu.Unlock()
	at := time.Duration(0)
	next := &first
	for err == nil {
		var f Frame
		if next != nil {
			f, next = *next, nil
		} else {
			f, err = pics.Next()
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			break
		}
		if f.At >= r.end {
			break
		}
		for {
			now, ok := p.clock(r)
			if !ok {
				return // stopped
			}
			if wait := f.At - now; wait > 0 {
				time.Sleep(min(wait, 5*time.Millisecond))
				continue
			}
			if now-f.At > lateness {
				break // too late to be worth showing: the next one is due
			}
			p.o.Show(f)
			break
		}
		at = f.At
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if r.ctx.Err() != nil {
		return // stopped
	}
	// Let the sound catch up with the last picture before saying so.
	for {
		now, ok := p.clock(r)
		if !ok {
			return
		}
		if now >= min(r.end, at+frameSlack) || err != nil || !p.soundStarted(r) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.end(r, err)
}

// end ends run r by itself (not by Stop), and says where.
func (p *Player) end(r *run, err error) {
	p.mu.Lock()
	if p.run != r {
		p.mu.Unlock()
		return // stopped meanwhile: Stop says where
	}
	pos := r.base
	if r.sound != nil {
		pos += p.o.Sink.Heard()
	}
	p.stopLocked()
	p.pos = min(pos, r.end)
	at := p.pos
	p.mu.Unlock()
	if p.o.Ended != nil {
		p.o.Ended(at, err)
	}
}

// lateness is how late a picture may be and still be shown: a picture more
// than two frames late is skipped, so the picture catches up with the sound.
const lateness = 70 * time.Millisecond

// frameSlack is how long the last picture stays before Ended.
const frameSlack = 40 * time.Millisecond

// clock is where r's sound is, on the timeline; ok is false once r stopped.
func (p *Player) clock(r *run) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run != r {
		return 0, false
	}
	if r.sound == nil {
		return r.base, true // not started yet
	}
	return r.base + p.o.Sink.Heard(), true
}

// Position is where playing is, or where it stopped.
func (p *Player) Position() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.run; r != nil {
		if r.sound == nil {
			return r.base
		}
		return r.base + p.o.Sink.Heard()
	}
	return p.pos
}

// Playing tells whether Play is under way.
func (p *Player) Playing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run != nil
}

// Stop stops playing and waits until the decoders are gone; Position then
// says where it stopped.
func (p *Player) Stop() {
	p.mu.Lock()
	r := p.run
	if r != nil {
		p.pos = r.base
		if r.sound != nil {
			p.pos += p.o.Sink.Heard()
		}
		p.stopLocked()
	}
	p.mu.Unlock()
	if r != nil {
		<-r.done
	}
}

// stopLocked ends the run; p.mu is held.
func (p *Player) stopLocked() {
	r := p.run
	p.run = nil
	p.o.Sink.Stop()
	if r.sound != nil {
		r.sound.Close()
	}
	r.cancel()
}

// SoundBytes is how many bytes d of sound takes, in whole samples.
func SoundBytes(d time.Duration) int64 {
	return int64(d) * SampleRate / int64(time.Second) * bytesPerSample
}

// zeros is endless silence.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// soundStarted tells whether r's sound has started (see pace).
func (p *Player) soundStarted(r *run) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return r.sound != nil
}
