package job

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/media"
	"replayrescue/core/web"
)

// liveHost serves chunks from dir and a playlist that changes with each
// request: lists(n) is the playlist for the n-th request (from 0).
func liveHost(t *testing.T, dir string, lists func(n int) string) string {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/live.m3u8" {
			mu.Lock()
			body := lists(n)
			n++
			mu.Unlock()
			fmt.Fprint(w, body)
			return
		}
		http.FileServer(http.Dir(dir)).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/live.m3u8"
}

// livePlaylist lists chunks first..last (their media sequence numbers) of
// makeHLS's "src" fixture.
func livePlaylist(first, last int, ended bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:%d\n", first)
	for i := first; i <= last; i++ {
		fmt.Fprintf(&b, "#EXTINF:3.000000,\nsrc%d.ts\n", i)
	}
	if ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.String()
}

func saveLive(t *testing.T, tools media.Tools, url string) (string, *eventLog, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "live.mp4")
	var log eventLog
	src := Source{URL: url, Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, tuning: tuning{fetch: fastFetch(), livePoll: 50 * time.Millisecond}}
	return out, &log, Save(context.Background(), src, opts, Settings{Output: out})
}

func TestLiveBroadcastFollowed(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	makeHLS(t, tools, dir, "src", 24) // 8 chunks of 3 s

	t.Run("event playlist growing until it ends", func(t *testing.T) {
		url := liveHost(t, dir, func(n int) string {
			last := min(1+n, 7) // one more chunk per read of the playlist
			return livePlaylist(0, last, last == 7)
		})
		out, log, err := saveLive(t, tools, url)
		if err != nil {
			t.Fatal(Explain(err))
		}
		var lives int
		for _, e := range log.all() {
			if l, ok := e.(Live); ok {
				lives++
				if l.Missing != 0 {
					t.Errorf("chunks reported missing: %+v", l)
				}
			}
		}
		if lives < 5 {
			t.Errorf("%d live updates, want one per new chunk", lives)
		}
		checkSaved(t, tools, out, 720)
	})

	t.Run("sliding window that skips chunks", func(t *testing.T) {
		// The host's window jumps from chunks 0-2 to 5-7: 3 and 4 were
		// gone before we could read them.
		url := liveHost(t, dir, func(n int) string {
			if n == 0 {
				return livePlaylist(0, 2, false)
			}
			return livePlaylist(5, 7, true)
		})
		out, log, err := saveLive(t, tools, url)
		if err != nil {
			t.Fatal(Explain(err))
		}
		missing := 0
		for _, e := range log.all() {
			if l, ok := e.(Live); ok {
				missing += l.Missing
			}
		}
		if missing != 2 {
			t.Errorf("reported %d missing chunks, want 2", missing)
		}
		// Six chunks of 3 s, joined without a hole.
		if n, err := tools.PresentedFrames(context.Background(), out); err != nil || n != 540 {
			t.Errorf("frames = %d, want 540 (%v)", n, err)
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatal(err)
		}
	})
}

// A job folder used before for one live broadcast, given another live
// broadcast, refuses instead of taking the old chunks for the new ones.
func TestLiveFolderOfAnotherBroadcastRefused(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	makeHLS(t, tools, dir, "src", 9)
	work := filepath.Join(t.TempDir(), "job")
	first := liveHost(t, dir, func(int) string { return livePlaylist(0, 2, false) })
	downloadLiveOnce(t, tools, first, work)
	// Another broadcast, live on another host, into the same folder.
	other := liveHost(t, dir, func(int) string { return livePlaylist(0, 2, false) })
	j2, err := Open(Source{URL: other}, Options{Work: work, Tools: tools})
	if err != nil {
		t.Fatal(err)
	}
	err = j2.Load(context.Background())
	if msg, code := Explain(err); code != ExitUsage || !strings.Contains(msg, "different broadcast") {
		t.Fatalf("code %d, %q", code, msg)
	}
}

// The same live broadcast resumed after its window slid: every chunk keeps
// the place its media sequence number gives it, so no old chunk stands for
// a new one.
func TestLiveResumeKeepsChunksInPlace(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	makeHLS(t, tools, dir, "src", 24) // 8 chunks of 3 s, a flash every 5 s
	work := filepath.Join(t.TempDir(), "job")
	var mu sync.Mutex
	window := [2]int{2, 4}
	url := liveHost(t, dir, func(int) string {
		mu.Lock()
		defer mu.Unlock()
		return livePlaylist(window[0], window[1], window[0] > 2)
	})
	downloadLiveOnce(t, tools, url, work)
	// Later: the window has slid by one chunk and the broadcast ended.
	mu.Lock()
	window = [2]int{3, 5}
	mu.Unlock()
	j2, err := Open(Source{URL: url}, Options{Work: work, Tools: tools, tuning: fast()})
	if err != nil {
		t.Fatal(err)
	}
	if err := j2.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := j2.Playlist().Segments[0].Index; got != 1 {
		t.Errorf("sequence 3 resumed as chunk %d, want 1 (sequence 2 was chunk 0)", got)
	}
	if err := j2.Download(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Each chunk of the list is on disk under its own place, byte for byte
	// the host's sequence 3, 4 and 5.
	for _, seg := range j2.Playlist().Segments {
		got, err := os.ReadFile(filepath.Join(work, fetch.ChunkName(seg.Index)))
		want, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("src%d.ts", seg.Seq)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("chunk %d holds %d bytes, not sequence %d (%v)", seg.Index, len(got), seg.Seq, err)
		}
	}
}

// downloadLiveOnce downloads what the live list at url lists now into work,
// as a user who stops following at once.
func downloadLiveOnce(t *testing.T, tools media.Tools, url, work string) {
	t.Helper()
	stop := make(chan struct{})
	close(stop)
	j, err := Open(Source{URL: url}, Options{Work: work, Tools: tools, tuning: fast(), Stop: stop})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := j.Download(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A replay list that begins mid-stream (its sound starting a few
// milliseconds after its first picture, as a list cut from a running
// encoder does) keeps its first second: every picture is saved.
func TestListStartingMidStreamKeepsItsFirstPictures(t *testing.T) {
	tools := needFFmpeg(t)
	dir := t.TempDir()
	makeHLS(t, tools, dir, "src", 24)
	url := liveHost(t, dir, func(int) string { return livePlaylist(3, 5, true) })
	out, _, err := saveLive(t, tools, url)
	if err != nil {
		t.Fatal(err)
	}
	checkSaved(t, tools, out, 270)
}
