package player

import (
	"io"
	"sync"
	"time"
)

// Clock is a Sink for a computer without a sound device: it takes the sound
// at the pace it would be heard, and drops it, so the pictures keep time.
// Speed other than 1 runs the clock faster or slower, for tests; 0 means 1.
type Clock struct {
	Speed float64
	// Keep, when set, receives every byte taken, in order (a test's
	// recording of what the listener would have heard).
	Keep func(pcm []byte)

	mu    sync.Mutex
	taken int64 // bytes of the current Play taken so far
	stop  chan struct{}
	done  chan struct{}
}

// tick is how often the clock takes sound: a sound card's period.
const tick = 5 * time.Millisecond

// Play starts taking sound from r.
func (c *Clock) Play(r io.Reader) {
	c.Stop()
	c.mu.Lock()
	c.taken = 0
	stop, done := make(chan struct{}), make(chan struct{})
	c.stop, c.done = stop, done
	speed := c.Speed
	if speed <= 0 {
		speed = 1
	}
	c.mu.Unlock()
	go func() {
		defer close(done)
		began := time.Now()
		buf := make([]byte, 64<<10)
		var taken int64
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			due := SoundBytes(time.Duration(float64(time.Since(began)) * speed))
			for taken < due {
				n, err := io.ReadFull(r, buf[:min(int64(len(buf)), due-taken)])
				select {
				case <-stop:
					return // what arrived after Stop is not heard
				default:
				}
				if n > 0 && c.Keep != nil {
					c.Keep(buf[:n])
				}
				taken += int64(n)
				c.mu.Lock()
				c.taken = taken
				c.mu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()
}

// Heard is how much of the current Play's sound has been taken.
func (c *Clock) Heard() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return durationOf(c.taken)
}

// Stop stops taking sound.
func (c *Clock) Stop() {
	c.mu.Lock()
	stop, done := c.stop, c.done
	c.stop, c.done = nil, nil
	c.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// durationOf is how long n bytes of sound last.
func durationOf(n int64) time.Duration {
	return time.Duration(n / bytesPerSample * int64(time.Second) / SampleRate)
}
