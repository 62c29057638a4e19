package sample

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// pacer limits one TCP connection to a byte rate. Keep-alive requests on the
// same connection share it, as a host that throttles per connection does.
type pacer struct {
	mu   sync.Mutex
	rate float64 // bytes per second
	next time.Time
}

type connKey struct{}

// reserve books n bytes and says how long to wait before sending them.
func (p *pacer) reserve(n int) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	wait := p.next.Sub(now)
	p.next = p.next.Add(time.Duration(float64(n) / p.rate * float64(time.Second)))
	return wait
}

// throttledWriter paces writes through the connection's pacer in small
// pieces so the rate holds within each chunk, not just on average.
type throttledWriter struct {
	http.ResponseWriter
	p      *pacer
	ctx    context.Context
	closed <-chan struct{}
}

const piece = 16 << 10

func (w *throttledWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		n := min(len(b), piece)
		if d := w.p.reserve(n); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-w.ctx.Done():
				t.Stop()
				return written, w.ctx.Err()
			case <-w.closed:
				t.Stop()
				return written, http.ErrServerClosed
			}
		}
		m, err := w.ResponseWriter.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		if f, ok := w.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		b = b[n:]
	}
	return written, nil
}
