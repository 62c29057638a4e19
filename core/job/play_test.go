package job

import (
	"context"
	"encoding/binary"
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
	m, err := sample.Generate(context.Background(), sample.MediaOptions{FFmpeg: tools.FFmpeg, Duration: 15 * time.Second,
		ChunkDuration: 3 * time.Second, Width: 320, Height: 180, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, sample.ServerOptions{Media: m})
	j, err := Open(sourceFor(t, srv, srv.Cookies()), Options{Work: t.TempDir(), Tools: tools, tuning: fast()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := j.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := j.Download(ctx); err != nil {
		t.Fatal(err)
	}
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
		t.Logf("offset %v: %d pictures in %v", offset, l.shown, time.Since(began).Round(time.Millisecond))
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
