package player

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"
)

// Device is the computer's sound output. Only one may be opened in a
// program (the audio library allows one context), so whoever owns the
// window opens it once and keeps it.
type Device struct {
	ctx *oto.Context

	mu     sync.Mutex
	player *oto.Player
	read   *atomic.Int64 // bytes the current player has read
}

// deviceBuffer is the sound card's buffer: the longest the sound can lag
// behind a change of offset, and what Heard takes off what was read.
const deviceBuffer = 60 * time.Millisecond

// OpenDevice opens the sound output. On a computer without one (a server,
// a sound system that is not running) it fails within a few seconds: play
// with a Clock instead, silently.
func OpenDevice() (*Device, error) {
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate: SampleRate, ChannelCount: Channels,
		Format: oto.FormatSignedInt16LE, BufferSize: deviceBuffer,
	})
	if err != nil {
		return nil, fmt.Errorf("no sound output: %w", err)
	}
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		return nil, fmt.Errorf("no sound output: the sound system did not answer")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("no sound output: %w", err)
	}
	return &Device{ctx: ctx}, nil
}

// Play starts playing r.
func (d *Device) Play(r io.Reader) {
	d.Stop()
	read := new(atomic.Int64)
	p := d.ctx.NewPlayer(&counter{r: r, n: read})
	p.SetBufferSize(int(SoundBytes(deviceBuffer)))
	d.mu.Lock()
	d.player, d.read = p, read
	d.mu.Unlock()
	p.Play()
}

// Heard is what the current player read, less what waits in its buffer
// and the card's.
func (d *Device) Heard() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.player == nil {
		return 0
	}
	heard := durationOf(d.read.Load()-int64(d.player.BufferedSize())) - deviceBuffer
	return max(heard, 0)
}

// Stop stops the current player; what it buffered is dropped.
func (d *Device) Stop() {
	d.mu.Lock()
	p := d.player
	d.player = nil
	d.mu.Unlock()
	if p != nil {
		p.Pause()
	}
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n *atomic.Int64
}

func (c *counter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
