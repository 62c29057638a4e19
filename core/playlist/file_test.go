package playlist

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestLoadFile(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 2500) // 25,000 bytes
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/talk.mp4", "/watch": // a file by name, and one known by its answer
			w.Header().Set("Content-Type", "video/mp4")
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
		case "/noranges.webm":
			w.Write(data) // the whole file whatever the Range header says
		case "/huge.mov":
			w.Header().Set("Content-Range", "bytes 0-0/999999999999999")
			w.WriteHeader(http.StatusPartialContent)
			w.Write([]byte{0})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	l := Loader{Client: srv.Client(), FileChunk: 10_000}
	for _, path := range []string{"/talk.mp4", "/watch"} {
		pl, err := l.Load(context.Background(), srv.URL+path, "")
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !pl.File || !pl.Ended || len(pl.Segments) != 3 || *pl.Segments[2].Range != (ByteRange{20_000, 5_000}) {
			t.Errorf("%s: %+v", path, pl)
		}
	}
	pl, err := l.Load(context.Background(), srv.URL+"/noranges.webm", "")
	if err != nil || len(pl.Segments) != 1 || pl.Segments[0].Range != nil {
		t.Errorf("no ranges: %v %+v", err, pl)
	}
	if _, err := l.Load(context.Background(), srv.URL+"/huge.mov", ""); !errors.Is(err, ErrNotPlaylist) {
		t.Errorf("huge: %v", err)
	}
}
