package playlist

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"replayrescue/core/web"
)

// TestTrickledPlaylistEndsAsStall: a server that sends a playlist a byte
// at a time (too slowly for any idle timeout to notice) is ended by the
// playlist's cap, with the host named; the caller's own deadline is only
// a safety net of the test.
func TestTrickledPlaylistEndsAsStall(t *testing.T) {
	const text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nc0.ts\n#EXT-X-ENDLIST\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		for i := 0; ; i++ {
			if _, err := w.Write([]byte{text[i%len(text)]}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l := Loader{Client: web.NewClient(web.Credentials{}, web.ClientOptions{}), Timeout: 150 * time.Millisecond}
	_, err := l.Load(ctx, srv.URL+"/p.m3u8", "")
	var stall *web.StallError
	if !errors.As(err, &stall) || stall.Host != "127.0.0.1" {
		t.Fatalf("err = %v, want the host's stall", err)
	}
	if ctx.Err() != nil {
		t.Fatal("ended by the test's deadline, not the playlist's")
	}
}

// TestCallerCancelIsNoStall: the caller's own cancellation is not taken
// for the server's stall.
func TestCallerCancelIsNoStall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := Loader{Client: web.NewClient(web.Credentials{}, web.ClientOptions{}), Timeout: time.Minute}.Load(ctx, srv.URL+"/p.m3u8", "")
	if err == nil || errors.Is(err, web.ErrStalled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
}
