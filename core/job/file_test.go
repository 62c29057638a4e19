package job

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"replayrescue/core/fetch"
	"replayrescue/core/media"
	"replayrescue/core/web"
)

// A plain video file (what a site's <video src="talk.mp4"> plays), behind
// a cookie: fetched in parallel by byte ranges, stopped part-way and
// resumed without fetching a finished range again, then rendered with
// every frame and in sync. The file is x264 at its defaults (B-frames)
// with AAC, its index at the end as ffmpeg writes it without faststart.
func TestPlainFileByRanges(t *testing.T) {
	tools := needFFmpeg(t)
	const seconds = 30
	data := makeFlashMP4(t, tools, filepath.Join(t.TempDir(), "talk.mp4"), seconds)
	var err error
	const cookie = "c00kie-for-the-file"
	var mu sync.Mutex
	ranges := map[string]int{} // requests per Range header
	served := map[string]bool{}
	stalling := true // the first run: only two ranges arrive before it is stopped
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("sid"); err != nil || c.Value != cookie {
			http.Error(w, "log in first", http.StatusForbidden)
			return
		}
		mu.Lock()
		rng := r.Header.Get("Range")
		ranges[rng]++
		served[rng] = true
		hold := stalling && len(served) > 3 // the size probe and two ranges
		mu.Unlock()
		if hold {
			<-r.Context().Done() // until the program is stopped
			return
		}
		http.ServeContent(w, r, "talk.mp4", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	src := func() Source {
		jar := web.NewJar()
		u, _ := url.Parse(srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "sid", Value: cookie}})
		return Source{URL: srv.URL + "/media/talk.mp4", Creds: web.Credentials{Jar: jar, Header: http.Header{}, Scheme: u.Scheme, Host: u.Host}}
	}
	const chunk = 256 << 10
	chunks := (len(data) + chunk - 1) / chunk
	if chunks < 4 {
		t.Fatalf("the file is %d bytes: too small to cut", len(data))
	}
	work := filepath.Join(t.TempDir(), "job")
	out := filepath.Join(t.TempDir(), "talk.mp4")
	tune := fast()
	tune.fileChunk = chunk

	// The first run is stopped (as a killed program is) once two ranges are on disk.
	ctx, cancel := context.WithCancel(context.Background())
	opts := Options{Work: work, Tools: tools, Jobs: 2, tuning: tune, Events: func(e Event) {
		if p, ok := e.(Progress); ok && p.Done >= 2 {
			cancel()
		}
	}}
	err = Save(ctx, src(), opts, Settings{Output: out})
	if err == nil {
		t.Fatal("the stopped save succeeded")
	}
	t.Logf("first run: %v", err)
	cancel()
	var done []string
	for i := range chunks {
		if _, ok := fetch.Complete(work, i); ok {
			done = append(done, "bytes="+strconv.Itoa(i*chunk)+"-"+strconv.Itoa(min((i+1)*chunk, len(data))-1))
		}
	}
	if len(done) < 2 || len(done) == chunks {
		t.Fatalf("%d of %d ranges on disk after the stop", len(done), chunks)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a video was written by the stopped save")
	}
	mu.Lock()
	stalling = false
	before := map[string]int{}
	for _, r := range done {
		before[r] = ranges[r]
	}
	mu.Unlock()

	opts.Events = nil
	if err := Save(context.Background(), src(), opts, Settings{Output: out}); err != nil {
		msg, code := Explain(err)
		t.Fatalf("resumed save: exit %d: %s", code, msg)
	}
	mu.Lock()
	for _, r := range done {
		if ranges[r] != before[r] {
			t.Errorf("range %s was on disk but asked for again", r)
		}
	}
	t.Logf("%d bytes in %d ranges, %d on disk after the stop; requests by range: %v", len(data), chunks, len(done), ranges)
	mu.Unlock()
	checkSaved(t, tools, out, seconds*30)
	if !hasBFrames(t, tools, out) {
		t.Error("the saved picture lost its B-frames")
	}
}

// makeFlashMP4 writes at path an MP4 of seconds of x264 at its defaults
// (B-frames, a keyframe every 2 s) with AAC, its index at the end as ffmpeg
// writes it without faststart: a white flash and a beep every 5 s. It
// returns the file's bytes.
func makeFlashMP4(t *testing.T, tools media.Tools, path string, seconds int) []byte {
	t.Helper()
	cmd := exec.Command(tools.FFmpeg, append(flashBeep(seconds),
		"-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-g", "60", "-b:v", "400k", "-c:a", "aac", "-b:a", "64k", path)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !hasBFrames(t, tools, path) {
		t.Fatal("the fixture has no B-frames")
	}
	return data
}
