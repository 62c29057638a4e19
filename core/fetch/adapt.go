package fetch

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"replayrescue/core/web"
)

// Adaptive connections. Hosts like Periscope's limited each connection, so
// more connections mean more speed, up to the point where the host or the
// user's line is saturated, or the host asks us to slow down (429, 503). A
// presenter cannot know where that point is; the download finds it: it
// starts with the caller's number of connections (the job: 8, the fixed
// default before), adds more while the throughput still rises, and halves
// them when the host pushes back.

const (
	// DefaultMaxJobs bounds adaptive mode: past this many connections a
	// host sees a burst it may take for abuse.
	DefaultMaxJobs       = 16
	adaptStep            = 2
	DefaultAdaptInterval = time.Second
	adaptGain            = 1.10 // a step must bring 10% more throughput to count
)

// gate lets at most limit workers hold a slot; the limit can move.
type gate struct {
	mu     sync.Mutex
	cond   *sync.Cond
	limit  int
	active int
}

func newGate(limit int) *gate {
	g := &gate{limit: limit}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// acquire waits for a slot, or for ctx to end (false).
func (g *gate) acquire(ctx context.Context) bool {
	stop := context.AfterFunc(ctx, func() {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	defer stop()
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.active >= g.limit {
		if ctx.Err() != nil {
			return false
		}
		g.cond.Wait()
	}
	g.active++
	return true
}

func (g *gate) release() {
	g.mu.Lock()
	g.active--
	g.cond.Signal()
	g.mu.Unlock()
}

func (g *gate) set(limit int) {
	g.mu.Lock()
	g.limit = limit
	g.cond.Broadcast()
	g.mu.Unlock()
}

func (g *gate) get() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}

// isPushback tells whether err is the host asking to slow down.
func isPushback(err error) bool {
	var se *web.StatusError
	return errors.As(err, &se) && (se.Status == http.StatusTooManyRequests || se.Status == http.StatusServiceUnavailable)
}

// adapt runs until stop, moving the gate's limit between 1 and maxJobs: one
// step up each interval while the last step up paid off, half on pushback.
// Each change is reported to Options.Connections.
func (d *downloader) adapt(g *gate, maxJobs int, stop <-chan struct{}) {
	t := time.NewTicker(d.opts.AdaptInterval)
	defer t.Stop()
	lastBytes := d.bytes.Load()
	var lastRate float64
	growing, ceiling := true, maxJobs
	cooling := false // just lowered: answers to requests from before do not count
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		now := d.bytes.Load()
		rate := float64(now - lastBytes)
		lastBytes = now
		cur := g.get()
		pushed := d.pushback.Swap(0) > 0 && !cooling
		cooling = false
		switch {
		case pushed:
			// The host said where its limit is: below cur. Halve, then
			// climb back to just under it.
			ceiling = max(1, cur-1)
			g.set(max(1, cur/2))
			growing, cooling = true, true
		case growing && cur < ceiling && (rate > lastRate*adaptGain || ceiling < maxJobs):
			g.set(min(ceiling, cur+adaptStep))
		case growing && lastRate > 0:
			growing = false // the last step brought nothing: stay
		}
		lastRate = rate
		if d.opts.Connections != nil && g.get() != cur {
			d.opts.Connections(g.get())
		}
	}
}
