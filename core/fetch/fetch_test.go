package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// host serves n chunks of distinct content and lets a test decide, per
// request, what goes wrong.
type host struct {
	mu       sync.Mutex
	requests map[int]int
	fault    func(i, attempt int) string // "", "403", "500", "short", "stall", "404"
	srv      *httptest.Server
}

func chunkBody(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("chunk-%06d|", i)), 2000+i*7)
}

func newHost(t *testing.T, fault func(i, attempt int) string) *host {
	h := &host{requests: map[int]int{}, fault: fault}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/c/"), ".ts"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		h.mu.Lock()
		h.requests[i]++
		attempt := h.requests[i]
		h.mu.Unlock()
		body := chunkBody(i)
		f := ""
		if h.fault != nil {
			f = h.fault(i, attempt)
		}
		switch f {
		case "403":
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		case "500":
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		case "404":
			http.NotFound(w, r)
			return
		case "short":
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body[:len(body)/3])
			// Returning early with a declared length makes net/http close the connection.
			return
		case "stall":
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body[:100])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *host) segments(n int) []playlist.Segment {
	segs := make([]playlist.Segment, n)
	for i := range segs {
		segs[i] = playlist.Segment{Index: i, URL: fmt.Sprintf("%s/c/%d.ts", h.srv.URL, i), Duration: 3 * time.Second}
	}
	return segs
}

func (h *host) count(i int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests[i]
}

func fastOptions(dir string) Options {
	return Options{
		Dir: dir, Client: web.NewClient(web.Credentials{}, web.ClientOptions{}), Jobs: 4,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, IdleTimeout: 300 * time.Millisecond,
	}
}

// checkChunks asserts that exactly the chunks in want are on disk with the
// right bytes, and that no temporary file is left.
func checkChunks(t *testing.T, dir string, n int, want func(i int) bool) {
	t.Helper()
	for i := range n {
		data, err := os.ReadFile(filepath.Join(dir, ChunkName(i)))
		switch {
		case want(i) && err != nil:
			t.Errorf("chunk %d missing: %v", i, err)
		case want(i) && !bytes.Equal(data, chunkBody(i)):
			t.Errorf("chunk %d has wrong content (%d bytes)", i, len(data))
		case !want(i) && err == nil:
			t.Errorf("chunk %d should not be on disk", i)
		}
	}
	if parts, _ := filepath.Glob(filepath.Join(dir, "*.part")); len(parts) > 0 {
		t.Errorf("temporary files left: %v", parts)
	}
}

func all(int) bool { return true }

func TestDownloadAllAndProgress(t *testing.T) {
	h := newHost(t, nil)
	dir := t.TempDir()
	opts := fastOptions(dir)
	var last Progress
	var doneCalls int
	opts.Progress = func(p Progress) { last = p }
	opts.ChunkDone = func(int, int64) { doneCalls++ }
	if err := Download(context.Background(), h.segments(30), opts); err != nil {
		t.Fatal(err)
	}
	checkChunks(t, dir, 30, all)
	var total int64
	for i := range 30 {
		total += int64(len(chunkBody(i)))
	}
	if last.Done != 30 || last.Total != 30 || last.Bytes != total {
		t.Errorf("final progress %+v, want 30/30 and %d bytes", last, total)
	}
	if doneCalls != 30 {
		t.Errorf("ChunkDone called %d times", doneCalls)
	}
}

// A slow host with big chunks: the speed and the time left are told while
// the first chunks are still arriving, not only once one is complete.
func TestTimeLeftBeforeTheFirstChunkIsComplete(t *testing.T) {
	const size = 400 << 10
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		piece := bytes.Repeat([]byte("x"), size/40)
		for range 40 { // about 2 s for the chunk
			if _, err := w.Write(piece); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	}))
	defer srv.Close()
	segs := make([]playlist.Segment, 8)
	for i := range segs {
		segs[i] = playlist.Segment{Index: i, URL: fmt.Sprintf("%s/c/%d.ts", srv.URL, i)}
	}
	opts := fastOptions(t.TempDir())
	opts.Jobs, opts.IdleTimeout = 2, 5*time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	told := make(chan Progress, 1)
	opts.Progress = func(p Progress) {
		if p.Done == 0 && p.ETA > 0 {
			select {
			case told <- p:
			default:
			}
			cancel()
		}
	}
	_ = Download(ctx, segs, opts)
	select {
	case p := <-told:
		// 8 chunks of 400 KiB at the speed seen: the time left is the
		// whole download's, in seconds, not nothing.
		if p.Speed <= 0 || p.ETA < 2*time.Second || p.ETA > 2*time.Minute {
			t.Errorf("before the first chunk: %+v", p)
		}
	default:
		t.Error("no time left was told before the first chunk was complete")
	}
}

func TestResumeFetchesNothingTwice(t *testing.T) {
	h := newHost(t, nil)
	dir := t.TempDir()
	segs := h.segments(20)
	// First run: chunk 5 fails for good (404); with one worker, 0-4 land first.
	h.fault = func(i, _ int) string {
		if i == 5 {
			return "404"
		}
		return ""
	}
	opts := fastOptions(dir)
	opts.Jobs = 1 // so the 404 stops the run part-way, like a crash would
	err := Download(context.Background(), segs, opts)
	var se *web.StatusError
	if !errors.As(err, &se) || se.Status != 404 {
		t.Fatalf("first run: err = %v, want a 404", err)
	}
	// A leftover partial file from a crash must not count as a chunk.
	os.WriteFile(filepath.Join(dir, ChunkName(7)+".part"), []byte("half"), 0o600)

	h.fault = nil
	var resumed int
	opts.Jobs = 4
	opts.Progress = func(p Progress) { resumed = p.Resumed }
	if err := Download(context.Background(), segs, opts); err != nil {
		t.Fatal(err)
	}
	checkChunks(t, dir, 20, all)
	for i := range 5 { // chunks 0-4 completed in the first run (one worker, in order)
		if h.count(i) != 1 {
			t.Errorf("chunk %d requested %d times, want 1", i, h.count(i))
		}
	}
	if resumed != 5 {
		t.Errorf("Progress.Resumed = %d, want 5", resumed)
	}
}

func TestRetriesTransientFaults(t *testing.T) {
	faults := []string{"500", "403", "short", "stall"}
	h := newHost(t, func(i, attempt int) string {
		// Each chunk fails once, with a different fault, then succeeds.
		if attempt == 1 {
			return faults[i%len(faults)]
		}
		return ""
	})
	downloadAll(t, h, 12, 2) // one fault, one retry
}

func TestPersistentRefusalIsACredentialError(t *testing.T) {
	// The token "expires" after chunk 9: every later request is refused.
	h := newHost(t, func(i, _ int) string {
		if i >= 10 {
			return "403"
		}
		return ""
	})
	dir := t.TempDir()
	opts := fastOptions(dir)
	opts.Jobs = 1
	err := Download(context.Background(), h.segments(20), opts)
	if !web.IsCredentialError(err) {
		t.Fatalf("err = %v, want a credential error", err)
	}
	if strings.Contains(err.Error(), "?") {
		t.Errorf("error shows a query string: %s", err)
	}
	checkChunks(t, dir, 20, func(i int) bool { return i < 10 })
	if got := h.count(10); got != DefaultAuthRetries+1 {
		t.Errorf("refused chunk tried %d times, want %d", got, DefaultAuthRetries+1)
	}
}

func TestCancelKeepsFinishedChunks(t *testing.T) {
	h := newHost(t, func(i, _ int) string {
		if i >= 6 {
			return "stall"
		}
		return ""
	})
	dir := t.TempDir()
	opts := fastOptions(dir)
	opts.IdleTimeout = time.Minute // stalls last until we cancel
	opts.Jobs = 1                  // in order: 0-4 are done when 5 is
	ctx, cancel := context.WithCancel(context.Background())
	opts.ChunkDone = func(i int, _ int64) {
		if i == 5 {
			cancel()
		}
	}
	err := Download(ctx, h.segments(10), opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for i := range 5 {
		if _, ok := Complete(dir, i); !ok {
			t.Errorf("chunk %d lost after cancel", i)
		}
	}
	if parts, _ := filepath.Glob(filepath.Join(dir, "*.part")); len(parts) > 0 {
		t.Errorf("temporary files left: %v", parts)
	}
}

func TestByteRangeRequests(t *testing.T) {
	blob := bytes.Repeat([]byte("0123456789"), 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "media.ts", time.Time{}, bytes.NewReader(blob))
	}))
	defer srv.Close()
	segs := []playlist.Segment{
		{Index: 0, URL: srv.URL + "/m.ts", Range: &playlist.ByteRange{Offset: 0, Length: 3000}},
		{Index: 1, URL: srv.URL + "/m.ts", Range: &playlist.ByteRange{Offset: 3000, Length: 4500}},
		{Index: 2, URL: srv.URL + "/m.ts", Range: &playlist.ByteRange{Offset: 7500, Length: 2500}},
	}
	dir := t.TempDir()
	if err := Download(context.Background(), segs, fastOptions(dir)); err != nil {
		t.Fatal(err)
	}
	var joined []byte
	for i := range segs {
		data, _ := os.ReadFile(filepath.Join(dir, ChunkName(i)))
		joined = append(joined, data...)
	}
	if !bytes.Equal(joined, blob) {
		t.Errorf("byte ranges reassemble to %d bytes, want the %d-byte original", len(joined), len(blob))
	}
}

func TestOversizedChunkRejected(t *testing.T) {
	h := newHost(t, nil)
	opts := fastOptions(t.TempDir())
	opts.MaxChunkBytes = 1000
	err := Download(context.Background(), h.segments(1), opts)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

func TestBackoffBounds(t *testing.T) {
	for attempt := 1; attempt < 40; attempt++ {
		d := backoff(100*time.Millisecond, 2*time.Second, attempt)
		want := min(100*time.Millisecond<<min(attempt-1, 16), 2*time.Second)
		if d < want/2 || d > want {
			t.Errorf("attempt %d: %v outside [%v, %v]", attempt, d, want/2, want)
		}
	}
}

func BenchmarkDownload(b *testing.B) {
	body := bytes.Repeat([]byte{0x47}, 180<<10) // a typical 180 KB chunk
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	defer srv.Close()
	segs := make([]playlist.Segment, 100)
	for i := range segs {
		segs[i] = playlist.Segment{Index: i, URL: fmt.Sprintf("%s/%d.ts", srv.URL, i)}
	}
	b.SetBytes(int64(len(body) * len(segs)))
	b.ReportAllocs()
	for b.Loop() {
		dir := b.TempDir()
		opts := fastOptions(dir)
		opts.Jobs = 8
		if err := Download(context.Background(), segs, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestShortRangeRetried: a 206 whose body is shorter than the range asked
// for is consistent at the HTTP level, so only our length check catches it.
func TestShortRangeRetried(t *testing.T) {
	blob := bytes.Repeat([]byte("abcdefghij"), 500)
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			w.Header().Set("Content-Range", "bytes 0-99/5000")
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(blob[:100])
			return
		}
		http.ServeContent(w, r, "m.ts", time.Time{}, bytes.NewReader(blob))
	}))
	defer srv.Close()
	dir := t.TempDir()
	segs := []playlist.Segment{{Index: 0, URL: srv.URL + "/m.ts", Range: &playlist.ByteRange{Offset: 0, Length: 4000}}}
	if err := Download(context.Background(), segs, fastOptions(dir)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ChunkName(0)))
	if !bytes.Equal(data, blob[:4000]) || calls != 2 {
		t.Errorf("got %d bytes after %d calls, want 4000 after 2", len(data), calls)
	}
}

// Chunk files are named from their track and index: the names earlier
// versions wrote (a separate audio rendition's then numbered from 1<<30 in
// memory, audio_000000.ts on disk), so their job folders resume.
func TestChunkFileNames(t *testing.T) {
	for _, c := range []struct {
		seg  playlist.Segment
		want string
	}{
		{playlist.Segment{Index: 0}, "chunk_000000.ts"},
		{playlist.Segment{Index: 1234567}, "chunk_1234567.ts"},
		{playlist.Segment{Index: 0, Track: playlist.Audio}, "audio_000000.ts"},
		{playlist.Segment{Index: 41, Track: playlist.Audio}, "audio_000041.ts"},
	} {
		if got := FileName(c.seg); got != c.want {
			t.Errorf("FileName(%+v) = %s, want %s", c.seg, got, c.want)
		}
	}
	if ChunkName(7) != "chunk_000007.ts" {
		t.Errorf("ChunkName(7) = %s", ChunkName(7))
	}
}

// An audio chunk already on disk under its old name is not fetched again,
// nor taken for the picture's chunk of the same number.
func TestAudioChunksResumeBesideThePictures(t *testing.T) {
	h := newHost(t, nil)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "audio_000001.ts"), chunkBody(1), 0o600)
	segs := h.segments(2)
	for _, s := range h.segments(2) {
		s.Track = playlist.Audio
		segs = append(segs, s)
	}
	opts := fastOptions(dir)
	var last Progress
	opts.Progress = func(p Progress) { last = p }
	if err := Download(context.Background(), segs, opts); err != nil {
		t.Fatal(err)
	}
	if last.Resumed != 1 || last.Done != 4 {
		t.Errorf("progress %+v, want 4 done, 1 resumed", last)
	}
	checkChunks(t, dir, 2, all)
	if h.count(0) != 2 || h.count(1) != 1 {
		t.Errorf("requests: chunk 0 %d times, chunk 1 %d times; want 2 and 1", h.count(0), h.count(1))
	}
	for _, s := range segs {
		if _, ok := Stored(dir, s); !ok {
			t.Errorf("%s not stored", FileName(s))
		}
	}
}
