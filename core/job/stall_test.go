package job

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/web"
)

// TestStalledChunkEndsInOneSentence: a host that trickles a chunk a byte at
// a time ends the download with one sentence naming it and a non-zero exit;
// the chunks that came before are kept.
func TestStalledChunkEndsInOneSentence(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/p.m3u8":
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\nc0.ts\n#EXTINF:3,\nc1.ts\n#EXTINF:3,\nc2.ts\n#EXT-X-ENDLIST\n")
		case "/c2.ts":
			w.Header().Set("Content-Length", "100000")
			for {
				if _, err := w.Write([]byte{0x47}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		default:
			w.Write([]byte(strings.Repeat("\x47chunk", 100)))
		}
	}))
	defer srv.Close()
	src := Source{URL: srv.URL + "/p.m3u8", Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}, Scheme: "http", Host: srv.Listener.Addr().String()}}
	fo := fastFetch()
	fo.Retries, fo.IdleTimeout, fo.ChunkBase, fo.MinRate = 1, 5*time.Second, 100*time.Millisecond, 1000
	j, err := Open(src, Options{Work: filepath.Join(t.TempDir(), "job"), Jobs: 1, tuning: tuning{fetch: fo}})
	if err != nil {
		t.Fatal(err)
	}
	// A safety net of the test only: today's pace ends the stall long before.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := j.Load(ctx); err != nil {
		t.Fatal(err)
	}
	err = j.Download(ctx)
	msg, code := Explain(err)
	if msg != "The server at 127.0.0.1 stopped sending data: try again later." || code == ExitOK {
		t.Fatalf("exit %d: %q (%v)", code, msg, err)
	}
	for i := range 2 {
		if _, ok := fetch.Complete(j.Dir(), i); !ok {
			t.Errorf("chunk %d was not kept", i)
		}
	}
}

// TestRefusedRedirectSaysWhatHappened: a redirect loop, or a redirect to a
// file: link, is said as such, not as a connection problem.
func TestRefusedRedirectSaysWhatHappened(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop.m3u8":
			http.Redirect(w, r, "/loop.m3u8?n="+r.URL.Query().Get("n")+"x", http.StatusFound)
		case "/file.m3u8":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}
	}))
	defer srv.Close()
	for _, c := range []struct{ path, want string }{
		{"/loop.m3u8", "Could not load the video playlist: the server kept redirecting (more than 10 times), so the link leads nowhere."},
		{"/file.m3u8", "Could not load the video playlist: the server redirected to a file: link, which is not allowed."},
	} {
		src := Source{URL: srv.URL + c.path, Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
		j, err := Open(src, Options{Work: filepath.Join(t.TempDir(), "job"), tuning: fast()})
		if err != nil {
			t.Fatal(err)
		}
		msg, code := Explain(j.Load(context.Background()))
		if msg != c.want || code == ExitOK {
			t.Errorf("%s: exit %d: %q", c.path, code, msg)
		}
	}
}

// TestStalledPlaylistSentence: a playlist the server stops sending (the
// playlist package's stall) is the same one sentence, not advice about the
// internet connection.
func TestStalledPlaylistSentence(t *testing.T) {
	j := &part{src: Source{URL: "https://cdn.example.com/p.m3u8"}}
	err := j.sourceError(&web.StallError{Host: "cdn.example.com"})
	msg, code := Explain(err)
	if msg != "The server at cdn.example.com stopped sending data: try again later." || code == ExitOK {
		t.Errorf("exit %d: %q", code, msg)
	}
}
