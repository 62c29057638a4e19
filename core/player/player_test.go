package player

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"io"
	"sync"
	"testing"
	"time"
)

// fake is a recording 6 s long: a picture every 40 ms, white at each whole
// second, black between; the sound silent but for a 40 ms tone at each
// whole second, in sync with the white pictures.
type fake struct{ length time.Duration }

const frameStep = 40 * time.Millisecond

func (f fake) Pictures(ctx context.Context, from time.Duration, width int) (Pictures, error) {
	first := (from + frameStep - 1) / frameStep * frameStep
	return &fakePictures{ctx: ctx, next: first, end: f.length}, nil
}

type fakePictures struct {
	ctx       context.Context
	next, end time.Duration
}

func (p *fakePictures) Next() (Frame, error) {
	if p.ctx.Err() != nil {
		return Frame{}, p.ctx.Err()
	}
	if p.next >= p.end {
		return Frame{}, io.EOF
	}
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	if p.next%time.Second == 0 && p.next >= time.Second {
		for i := range img.Pix {
			img.Pix[i] = 255
		}
	}
	f := Frame{At: p.next, Image: img}
	p.next += frameStep
	return f, nil
}

func (p *fakePictures) Close() error { return nil }

func (f fake) Sound(ctx context.Context, from time.Duration) (io.ReadCloser, error) {
	var b bytes.Buffer
	for i := SoundBytes(from) / bytesPerSample; i < SoundBytes(f.length)/bytesPerSample; i++ {
		t := time.Duration(i) * time.Second / SampleRate
		var v int16
		if t%time.Second < frameStep && t >= time.Second {
			v = 12000
		}
		binary.Write(&b, binary.LittleEndian, [2]int16{v, v})
	}
	return io.NopCloser(&b), nil
}

// recording is what a test listener heard and saw: the sound taken, and
// for each white picture shown, how much sound had been taken then.
type recording struct {
	mu     sync.Mutex
	pcm    []byte
	whites []int // byte offsets into pcm
	ended  chan time.Duration
}

func newRecording() *recording { return &recording{ended: make(chan time.Duration, 1)} }

func (r *recording) keep(b []byte) {
	r.mu.Lock()
	r.pcm = append(r.pcm, b...)
	r.mu.Unlock()
}

func (r *recording) show(f Frame) {
	if f.Image.Pix[0] != 255 {
		return
	}
	r.mu.Lock()
	r.whites = append(r.whites, len(r.pcm))
	r.mu.Unlock()
}

// tones are the byte offsets where each tone of pcm begins.
func tones(pcm []byte) []int {
	var out []int
	in := false
	for i := 0; i+bytesPerSample <= len(pcm); i += bytesPerSample {
		loud := int16(binary.LittleEndian.Uint16(pcm[i:])) > 6000
		if loud && !in {
			out = append(out, i)
		}
		in = loud
	}
	return out
}

func atBytes(n int) time.Duration { return durationOf(int64(n)) }

// Every white picture is shown when its tone is heard, whatever the offset:
// the offset moves the tone, and the clock that shows pictures is the sound's.
func TestPicturesFollowTheSoundAtEveryOffset(t *testing.T) {
	for _, offset := range []time.Duration{0, 300 * time.Millisecond, -500 * time.Millisecond} {
		rec := newRecording()
		p := New(Options{Source: fake{6 * time.Second}, Sink: &Clock{Speed: 0.5, Keep: rec.keep}, Show: rec.show,
			Ended: func(at time.Duration, err error) {
				if err != nil {
					t.Error(err)
				}
				rec.ended <- at
			}})
		if err := p.SetOffset(offset); err != nil {
			t.Fatal(err)
		}
		if err := p.Play(500*time.Millisecond, 5500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		select {
		case at := <-rec.ended:
			if at < 5400*time.Millisecond || at > 5500*time.Millisecond {
				t.Errorf("offset %v: ended at %v, want 5.5 s", offset, at)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("offset %v: never ended", offset)
		}
		rec.mu.Lock()
		heard := tones(rec.pcm)
		whites := rec.whites
		rec.mu.Unlock()
		// A picture that comes too late for its sound is dropped, by
		// design (the sound's clock rules): on a machine loaded to ten
		// times its cores one of the five was. More is a fault.
		if len(whites) < 4 || len(whites) > 5 {
			t.Fatalf("offset %v: white pictures shown at %v of sound, want 5 (1 s to 5 s)", offset, durations(whites))
		}
		// The tone at recording time T is heard at T+offset on the
		// timeline; the white picture of T is shown at T.
		for _, w := range whites {
			want := atBytes(w) + offset
			found := false
			for _, h := range heard {
				if (atBytes(h) - want).Abs() <= 40*time.Millisecond {
					found = true
				}
			}
			if !found && want >= 0 && want < 5*time.Second {
				t.Errorf("offset %v: a white picture shown at %v of sound has no tone at %v (tones at %v)", offset, atBytes(w), want, durations(heard))
			}
		}
	}
}

func durations(offsets []int) []time.Duration {
	var out []time.Duration
	for _, o := range offsets {
		out = append(out, atBytes(o))
	}
	return out
}

// Moving the offset while it plays moves what is heard next, and the
// pictures go on.
func TestOffsetChangesWhilePlaying(t *testing.T) {
	rec := newRecording()
	p := New(Options{Source: fake{6 * time.Second}, Sink: &Clock{Speed: 0.5, Keep: rec.keep}, Show: rec.show,
		Ended: func(at time.Duration, err error) { rec.ended <- at }})
	if err := p.Play(0, 6*time.Second); err != nil {
		t.Fatal(err)
	}
	for p.Position() < 2500*time.Millisecond {
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.SetOffset(400 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	<-rec.ended
	rec.mu.Lock()
	heard, whites := tones(rec.pcm), rec.whites
	rec.mu.Unlock()
	if len(whites) != 5 {
		t.Fatalf("%d white pictures, want 5", len(whites))
	}
	// Before the change the tones meet the pictures; after it, 400 ms later.
	for i, w := range whites {
		want := atBytes(w)
		if i >= 2 {
			want += 400 * time.Millisecond
		}
		found := false
		for _, h := range heard {
			found = found || (atBytes(h)-want).Abs() <= 40*time.Millisecond
		}
		if !found {
			t.Errorf("white picture %d (at %v of sound): no tone at %v; tones at %v", i+1, atBytes(w), want, durations(heard))
		}
	}
}

// Stop keeps the position, and Play again starts there.
func TestStopKeepsThePosition(t *testing.T) {
	rec := newRecording()
	p := New(Options{Source: fake{6 * time.Second}, Sink: &Clock{Speed: 0.5, Keep: rec.keep}, Show: rec.show})
	if err := p.Play(time.Second, 6*time.Second); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); p.Position() <= time.Second+100*time.Millisecond && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	p.Stop()
	at := p.Position()
	if p.Playing() || at <= time.Second || at > 3*time.Second {
		t.Errorf("after Stop: playing %v at %v", p.Playing(), at)
	}
	time.Sleep(50 * time.Millisecond)
	if p.Position() != at {
		t.Error("the position moved after Stop")
	}
	if err := p.Play(5*time.Second, 4*time.Second); err == nil {
		t.Error("Play with the end before the start gave no error")
	}
}
