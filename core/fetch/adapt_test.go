package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"replayrescue/core/playlist"
)

// slowHost sends each body at perConn bytes per second, like a host that
// limits each connection; with limit > 0 it answers 503 to requests beyond
// that many at once.
type slowHost struct {
	srv                *httptest.Server
	active, peak, busy atomic.Int64
}

func newSlowHost(t *testing.T, perConn int, limit int64) *slowHost {
	h := &slowHost{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := h.active.Add(1)
		defer h.active.Add(-1)
		for {
			p := h.peak.Load()
			if n <= p || h.peak.CompareAndSwap(p, n) {
				break
			}
		}
		if limit > 0 && n > limit {
			h.busy.Add(1)
			http.Error(w, "slow down", http.StatusServiceUnavailable)
			return
		}
		i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/c/"), ".ts"))
		body := chunkBody(i)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		const slice = 20 * time.Millisecond
		step := perConn * int(slice) / int(time.Second)
		for off := 0; off < len(body); off += step {
			w.Write(body[off:min(off+step, len(body))])
			w.(http.Flusher).Flush()
			time.Sleep(slice)
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *slowHost) segments(n int) []playlist.Segment {
	segs := make([]playlist.Segment, n)
	for i := range segs {
		segs[i] = playlist.Segment{Index: i, URL: fmt.Sprintf("%s/c/%d.ts", h.srv.URL, i), Duration: time.Second}
	}
	return segs
}

// connLog records the adaptive mode's decisions.
type connLog struct {
	mu sync.Mutex
	ns []int
}

func (l *connLog) add(n int) { l.mu.Lock(); l.ns = append(l.ns, n); l.mu.Unlock() }
func (l *connLog) max() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := 0
	for _, n := range l.ns {
		m = max(m, n)
	}
	return m
}

// A host that limits each connection: adaptive mode adds connections, since
// each one adds throughput.
func TestAdaptiveAddsConnections(t *testing.T) {
	h := newSlowHost(t, 200<<10, 0) // chunks are ~30 KB: ~150 ms each per connection
	var log connLog
	opts := fastOptions(t.TempDir())
	opts.Jobs, opts.MaxJobs, opts.AdaptInterval, opts.Connections = 2, 10, 150*time.Millisecond, log.add
	if err := Download(context.Background(), h.segments(150), opts); err != nil {
		t.Fatal(err)
	}
	checkChunks(t, opts.Dir, 150, all)
	// Unloaded, it climbs 2 -> 4 -> 6 -> 8 -> 10; a busy machine measures
	// noisily, so only ask that it climbed and was used.
	if log.max() < 4 || h.peak.Load() < 4 {
		t.Errorf("connections went up to %d (decisions %v, peak at the host %d), want more than the 2 it started with", log.max(), log.ns, h.peak.Load())
	}
	if h.peak.Load() > 10 {
		t.Errorf("%d connections at once, above the bound of 10", h.peak.Load())
	}
	t.Logf("decisions %v, peak %d", log.ns, h.peak.Load())
}

// A host that answers 503 beyond 3 requests at once: adaptive mode backs off
// and the download completes.
func TestAdaptiveBacksOffOnPushback(t *testing.T) {
	h := newSlowHost(t, 200<<10, 3)
	var log connLog
	opts := fastOptions(t.TempDir())
	opts.Jobs, opts.MaxJobs, opts.AdaptInterval, opts.Connections = 2, 12, 150*time.Millisecond, log.add
	opts.Backoff, opts.MaxBackoff = 30*time.Millisecond, 300*time.Millisecond
	if err := Download(context.Background(), h.segments(80), opts); err != nil {
		t.Fatal(err)
	}
	checkChunks(t, opts.Dir, 80, all)
	log.mu.Lock()
	last := opts.Jobs
	if len(log.ns) > 0 {
		last = log.ns[len(log.ns)-1]
	}
	log.mu.Unlock()
	if last > 3 || last < 2 {
		t.Errorf("still %d connections at the end after %d 503s (decisions %v)", last, h.busy.Load(), log.ns)
	}
	t.Logf("decisions %v, 503s %d", log.ns, h.busy.Load())
}
