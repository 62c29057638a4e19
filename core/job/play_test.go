package job

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/player"
	"replayrescue/core/sample"
)

// listener records what a test listener of the player heard and saw: the
// sound taken, and how much sound had been taken when each white picture
// (the sample's flash) was shown.
type listener struct {
	mu      sync.Mutex
	first   time.Time // when the first picture was shown
	pcm     []byte
	flashes []time.Duration
	shown   int
	ended   chan error
}

func newListener() *listener { return &listener{ended: make(chan error, 1)} }

func (l *listener) keep(b []byte) {
	l.mu.Lock()
	l.pcm = append(l.pcm, b...)
	l.mu.Unlock()
}

func (l *listener) show(f player.Frame) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.shown == 0 {
		l.first = time.Now()
	}
	l.shown++
	var sum int
	pix := f.Image.Pix
	for i := 0; i < len(pix); i += 4 {
		sum += int(pix[i]) + int(pix[i+1]) + int(pix[i+2])
	}
	at := pcmTime(len(l.pcm))
	if sum/(len(pix)/4*3) > 230 && (len(l.flashes) == 0 || at-l.flashes[len(l.flashes)-1] > time.Second) {
		l.flashes = append(l.flashes, at) // all but white: a flash (on one or two pictures)
	}
}

// beeps are where the loud beeps start in what was heard.
func (l *listener) beeps() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Duration
	var last time.Duration = -time.Hour
	for i := 0; i+4 <= len(l.pcm); i += 4 {
		v := int16(binary.LittleEndian.Uint16(l.pcm[i:]))
		if v > 8000 || v < -8000 {
			if at := pcmTime(i); at-last > time.Second {
				out = append(out, at)
			}
			last = pcmTime(i)
		}
	}
	return out
}

func pcmTime(n int) time.Duration { return time.Duration(n/4) * time.Second / player.SampleRate }

// The window's player plays a downloaded broadcast with its sound: every
// flash of the sample is shown when its beep is heard, moved by the sync
// offset as the save will move it (the sample's sound runs 2 s early, so
// +2 s puts them together), and a change of offset while playing is heard
// at once.
func TestPlayerKeepsPictureAndSoundTogether(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a sample and plays it with ffmpeg")
	}
	tools, err := media.Find()
	if err != nil {
		t.Skip("ffmpeg is not installed")
	}
	j := downloadedSample(t, tools, sample.MediaOptions{Duration: 15 * time.Second})
	const lead = 2 * time.Second // the sample's beeps come this much before their flashes
	play := func(t *testing.T, offset time.Duration, during func(*player.Player)) *listener {
		l := newListener()
		// The listener's clock runs at half speed: the player paces by
		// it all the same, and the test keeps its pictures on a loaded
		// machine (a real player skips the pictures it is late for).
		p := player.New(player.Options{Source: j.PlaySource(), Sink: &player.Clock{Keep: l.keep, Speed: 0.5}, Width: 160, Show: l.show,
			Ended: func(_ time.Duration, err error) { l.ended <- err }})
		if err := p.SetOffset(offset); err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		if err := p.Play(4*time.Second, 10500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if during != nil {
			during(p)
		}
		select {
		case err := <-l.ended:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(90 * time.Second):
			t.Fatal("the player never ended")
		}
		t.Logf("offset %v: %d pictures in %v; the first %v after Play", offset, l.shown, time.Since(began).Round(time.Millisecond), l.first.Sub(began).Round(time.Millisecond))
		return l
	}
	// Each flash must be heard as its beep moved by the offset: beep at
	// flash - lead + offset.
	check := func(t *testing.T, l *listener, offsetAt func(flash time.Duration) time.Duration) {
		beeps := l.beeps()
		if len(l.flashes) != 2 {
			t.Fatalf("flashes shown at %v of sound, want 2 (5 s and 10 s)", l.flashes)
		}
		for _, f := range l.flashes {
			want := f - lead + offsetAt(f)
			ok := false
			for _, b := range beeps {
				ok = ok || (b-want).Abs() <= 40*time.Millisecond
			}
			if !ok && want >= 0 {
				t.Errorf("the flash shown at %v of sound has no beep at %v (beeps at %v)", f, want, beeps)
			}
		}
	}
	for _, offset := range []time.Duration{0, lead, -500 * time.Millisecond} {
		t.Run("offset="+offset.String(), func(t *testing.T) {
			l := play(t, offset, nil)
			check(t, l, func(time.Duration) time.Duration { return offset })
		})
	}
	t.Run("moved while playing", func(t *testing.T) {
		l := play(t, 0, func(p *player.Player) {
			for p.Position() < 7*time.Second {
				time.Sleep(10 * time.Millisecond)
			}
			if err := p.SetOffset(lead); err != nil {
				t.Error(err)
			}
		})
		// The flash at 5 s played before the move (1 s of sound in), the
		// one at 10 s after it.
		check(t, l, func(f time.Duration) time.Duration {
			if f < 3*time.Second {
				return 0
			}
			return lead
		})
	})
}

// A talk in two parts plays on from the first into the second: the second
// part's pictures take its place on the talk's timeline without a gap, and
// each flash is heard with its own part's beep (the first part's sound is
// on time, the second's runs 1 s early), so the first part's sound neither
// runs into the second nor leaves it early.
func TestPlayerPlaysOnIntoTheNextPart(t *testing.T) {
	srcs, ms, tools := partSamples(t, []talkPart{
		{length: 10 * time.Second, width: 320, height: 180},
		{length: 10 * time.Second, lead: time.Second, width: 320, height: 180},
	})
	talk, err := OpenTalk(srcs, Options{Work: filepath.Join(t.TempDir(), "talk"), Tools: tools, tuning: fast()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []func(context.Context) error{talk.Load, talk.Download} {
		if err := f(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	seam := talk.PartLengths()[0]
	if seam != ms[0].Duration {
		t.Fatalf("the first part is %v long, its sample %v", seam, ms[0].Duration)
	}
	l := newListener()
	var mu sync.Mutex
	var times []time.Duration
	p := player.New(player.Options{Source: talk.PlaySource(), Sink: &player.Clock{Keep: l.keep, Speed: 0.5}, Width: 160,
		Show: func(f player.Frame) {
			mu.Lock()
			times = append(times, f.At)
			mu.Unlock()
			l.show(f)
		},
		Ended: func(_ time.Duration, err error) { l.ended <- err }})
	const from, to = 3 * time.Second, 17 * time.Second
	if err := p.Play(from, to); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-l.ended:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the player never ended")
	}
	mu.Lock()
	defer mu.Unlock()
	var before, after time.Duration = -1, -1
	for _, at := range times {
		if at < seam {
			before = at
		} else if after < 0 {
			after = at
		}
	}
	if before < seam-150*time.Millisecond || after < 0 || after > seam+150*time.Millisecond {
		t.Errorf("around the seam at %v the pictures shown are at %v and then %v: a gap", seam, before, after)
	}
	if last := times[len(times)-1]; last < to-200*time.Millisecond {
		t.Errorf("the last picture shown is at %v, want near the end, %v", last, to)
	}
	// Flashes at 5 s (part 1), 10 s and 15 s (part 2), in the sound heard
	// from 3 s on; part 1's beep with its flash, part 2's 1 s before (the
	// one for its flash at 10 s, its own 0 s, would be before the part).
	beeps := l.beeps()
	if len(l.flashes) != 3 {
		t.Fatalf("flashes shown at %v of sound, want 3 (5, 10 and 15 s)", l.flashes)
	}
	checked := 0
	for _, f := range l.flashes {
		want := f
		if f+from >= seam {
			want -= time.Second
			if want+from < seam {
				continue
			}
		}
		checked++
		ok := false
		for _, b := range beeps {
			ok = ok || (b-want).Abs() <= 40*time.Millisecond
		}
		if !ok {
			t.Errorf("the flash shown at %v of sound has no beep at %v (beeps at %v)", f, want, beeps)
		}
	}
	if checked != 2 {
		t.Errorf("%d flashes checked, want 2", checked)
	}
}
