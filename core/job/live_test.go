package job

import (
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
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, Fetch: fastFetch(), LivePoll: 50 * time.Millisecond}
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
